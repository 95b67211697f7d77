// Starts `okr lsp` for the OKR files of the workspace (YAML files under a folder holding
// org.yaml) and hands its findings, hovers, completion and fixes to VS Code.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration("okr");
  const command = config.get<string[]>("command", ["okr", "lsp"]);
  if (command.length === 0) {
    void vscode.window.showErrorMessage("okr.command is empty; set it to [\"okr\", \"lsp\"].");
    return;
  }
  const serverOptions: ServerOptions = {
    command: command[0],
    args: command.slice(1),
    transport: TransportKind.stdio,
  };
  const docsUrl = config.get<string>("ruleDocsUrl", "");
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: "yaml" }],
    initializationOptions: {
      schemaErrors: config.get<boolean>("schemaErrors", false),
      ...(docsUrl ? { ruleDocsUrl: docsUrl } : {}),
    },
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{yaml,yml}"),
    },
  };
  client = new LanguageClient("okr", "okr", serverOptions, clientOptions);
  context.subscriptions.push(client);
  try {
    await client.start();
  } catch (err) {
    void vscode.window.showErrorMessage(
      `okr lsp did not start (${String(err)}). Install it with pip install 'okrcli[lsp]', ` +
        "or point okr.command at the okr of your virtual environment."
    );
  }
}

export async function deactivate(): Promise<void> {
  if (client !== undefined) {
    await client.stop();
  }
}
