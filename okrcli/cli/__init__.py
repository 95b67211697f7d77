"""The command line: parse arguments, call one function, print. Errors are caught only here."""
