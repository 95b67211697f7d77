from okrcli.cli.app import main

main()
