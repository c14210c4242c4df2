// Editor integration, end to end: the real ESLint language server
// (`vscode-eslint-language-server` from vscode-langservers-extracted, the server inside
// VS Code's ESLint extension) is started over stdio and driven by an LSP client, the way an
// editor drives it. It must publish devbound's findings on a bad fixture with their rule ids
// and documentation links, offer the plugin's suggestion as a code action, and applying that
// action must produce exactly the text the plugin's suggestion produces through ESLint's API,
// after which the finding is gone.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ESLint, type Linter } from "eslint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CodeActionRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticRequest,
  ExecuteCommandRequest,
  InitializeRequest,
  InitializedNotification,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
  type CodeAction,
  type Command,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type ProtocolConnection,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver-protocol/node.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SERVER = join(ROOT, "node_modules/.bin/vscode-eslint-language-server");
const DOCS_URL = (rule: string) => `https://github.com/devbound/devbound/blob/main/rules-docs/${rule}.md`;

// The rules that offer suggestions (DESIGN.md), tried first; then any other bad fixture. The
// test uses the first bad fixture where ESLint's API reports a finding with a suggestion.
const SUGGESTING_RULES = ["no-manual-free-of-devres", "no-try-access-in-bound-scope"];

// The first typed lint of a file (TypeScript program creation) can take long on a busy
// 2-core machine: every wait is bounded, generously, so a broken server fails the test
// instead of hanging it.
const WAIT_MS = 150_000;

/** Rejects with a message saying what was awaited when `ms` elapse first. */
function within<T>(what: string, promise: Promise<T>, ms = WAIT_MS, log?: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${ms} ms waiting for ${what}${log ? `\nserver log:\n${log()}` : ""}`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Expected findings of a fixture: `// expect: a, b` at the end of a line (1-based lines). */
function expectedFindings(text: string): { rule: string; line: number }[] {
  const out: { rule: string; line: number }[] = [];
  text.split("\n").forEach((content, i) => {
    const m = /\/\/\s*expect:\s*(.+?)\s*$/.exec(content);
    if (m?.[1]) for (const rule of m[1].split(",")) out.push({ rule: rule.trim(), line: i + 1 });
  });
  return out;
}

/** Applies LSP text edits (non-overlapping, positions in the original text) to `text`. */
function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  const offset = (p: { line: number; character: number }) => (lineStarts[p.line] ?? text.length) + p.character;
  const sorted = edits
    .map((e) => ({ start: offset(e.range.start), end: offset(e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** The edits a WorkspaceEdit makes to one document (both `changes` and `documentChanges` forms). */
function editsFor(edit: WorkspaceEdit, uri: string): TextEdit[] {
  const out: TextEdit[] = [...(edit.changes?.[uri] ?? [])];
  for (const change of edit.documentChanges ?? []) {
    if ("textDocument" in change && change.textDocument.uri === uri) {
      for (const e of change.edits) if ("range" in e) out.push({ range: e.range, newText: e.newText });
    }
  }
  return out;
}

/** Applies an ESLint fix (character offsets) to `text`. */
function applyEslintFix(text: string, fix: { range: readonly [number, number]; text: string }): string {
  return text.slice(0, fix.range[0]) + fix.text + text.slice(fix.range[1]);
}

/** The JSON block of the README's "Editor" section: the server settings documented there. */
function readmeEditorSettings(): Record<string, unknown> {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = /^## Editor\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? "";
  const block = /```json\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README.md: no ```json block in the "Editor" section');
  return JSON.parse(block) as Record<string, unknown>;
}

describe("editor: vscode-eslint-language-server over stdio", () => {
  // Chosen in beforeAll: the fixture, its rule, and the finding whose suggestion is applied.
  let rule: string;
  let file: string;
  let uri: string;
  let text: string;
  let message: Linter.LintMessage;
  const rootUri = pathToFileURL(ROOT).href;

  let server: ChildProcessWithoutNullStreams;
  let connection: ProtocolConnection;
  const log: string[] = [];
  const serverLog = () => log.slice(-40).join("\n");
  // workspace/applyEdit requests from the server (how a command-based code action edits).
  const appliedEdits: WorkspaceEdit[] = [];

  // The settings the README ("Editor") tells LSP clients to answer `workspace/configuration`
  // with (VS Code's ESLint extension sends these and more), plus the workspace folder.
  const settings = { ...readmeEditorSettings(), workspaceFolder: { name: "devbound", uri: rootUri } };

  /**
   * The document's diagnostics. This server publishes them by pull (LSP 3.17
   * `textDocument/diagnostic`, what VS Code asks), not by push.
   */
  async function pullDiagnostics(what: string): Promise<Diagnostic[]> {
    const report = (await within(
      what,
      connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } }),
      WAIT_MS,
      serverLog,
    )) as DocumentDiagnosticReport;
    expect(report.kind, "a full diagnostic report").toBe("full");
    return report.kind === "full" ? report.items : [];
  }

  beforeAll(async () => {
    // The plugin's suggestions, through ESLint's API: what the editor must offer and produce.
    const fixtureRules = readdirSync(join(ROOT, "fixtures")).filter((r) => existsSync(join(ROOT, "fixtures", r, "bad.ts")));
    const candidates = [...SUGGESTING_RULES.filter((r) => fixtureRules.includes(r)), ...fixtureRules.filter((r) => !SUGGESTING_RULES.includes(r)).sort()];
    const eslint = new ESLint({ cwd: ROOT });
    for (const candidate of candidates) {
      const path = join(ROOT, "fixtures", candidate, "bad.ts");
      const [result] = await eslint.lintFiles([path]);
      const found = result?.messages.find((m) => m.ruleId?.startsWith("devbound/") && (m.suggestions?.length ?? 0) > 0);
      if (found) {
        file = path;
        uri = pathToFileURL(file).href;
        text = readFileSync(file, "utf8");
        message = found;
        rule = found.ruleId!.slice("devbound/".length);
        break;
      }
    }
    expect(message, `a bad fixture (fixtures/*/bad.ts; tried ${candidates.join(", ")}) with a devbound finding that has a suggestion`).toBeDefined();

    server = spawn(SERVER, ["--stdio"], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    server.stderr.on("data", (d: Buffer) => log.push(`[stderr] ${d.toString()}`));
    connection = createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));

    connection.onRequest("workspace/configuration", (params: { items: unknown[] }) => params.items.map(() => settings));
    connection.onRequest("client/registerCapability", () => null);
    connection.onRequest("client/unregisterCapability", () => null);
    connection.onRequest("window/workDoneProgress/create", () => null);
    connection.onRequest("workspace/diagnostic/refresh", () => null);
    connection.onRequest("workspace/applyEdit", (params: { edit: WorkspaceEdit }) => {
      appliedEdits.push(params.edit);
      return { applied: true };
    });
    // vscode-eslint's own requests: the extension answers them with an empty result.
    for (const method of ["eslint/noConfig", "eslint/noLibrary", "eslint/openDoc", "eslint/probeFailed", "eslint/confirmESLintExecution"]) {
      connection.onRequest(method, (params: unknown) => {
        log.push(`[${method}] ${JSON.stringify(params)}`);
        return {};
      });
    }
    connection.onNotification("eslint/status", (p: unknown) => log.push(`[eslint/status] ${JSON.stringify(p)}`));
    connection.onNotification("eslint/exitCalled", (p: unknown) => log.push(`[eslint/exitCalled] ${JSON.stringify(p)}`));
    connection.onNotification("window/logMessage", (p: { message: string }) => log.push(`[log] ${p.message}`));
    connection.onNotification("window/showMessage", (p: { message: string }) => log.push(`[show] ${p.message}`));
    connection.listen();

    await within(
      "initialize",
      connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri,
        workspaceFolders: [{ uri: rootUri, name: "devbound" }],
        capabilities: {
          workspace: { configuration: true, workspaceFolders: true, applyEdit: true, executeCommand: {} },
          textDocument: {
            diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false },
            publishDiagnostics: { codeDescriptionSupport: true, relatedInformation: true },
            codeAction: {
              codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix", "source", "source.fixAll.eslint"] } },
            },
          },
        },
        initializationOptions: {},
      }),
      WAIT_MS,
      serverLog,
    );
    await connection.sendNotification(InitializedNotification.type, {});
    await connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
  }, 2 * WAIT_MS);

  afterAll(async () => {
    connection?.dispose();
    if (server && server.exitCode === null) {
      const exited = new Promise((res) => server.once("exit", res));
      server.kill();
      await within("server exit", exited, 10_000).catch(() => server.kill("SIGKILL"));
    }
  });

  it(
    "publishes devbound's findings with rule ids and doc links, and applies the plugin's suggestion",
    async () => {
      const expected = expectedFindings(text).filter((f) => f.rule === rule);
      expect(expected.length, `${file} has \`// expect: ${rule}\` lines`).toBeGreaterThan(0);

      await connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: "typescript", version: 1, text },
      });
      const isOurs = (d: Diagnostic) => d.code === `devbound/${rule}`;
      const diagnostics = await pullDiagnostics(`devbound/${rule} diagnostics on ${file}`);

      // Every expected finding arrives, on its line, with its rule id and its documentation link.
      // (All of the file's `// expect:` findings, whatever their rule, and nothing else.)
      const ours = diagnostics.filter(isOurs);
      expect(diagnostics.map((d) => `${d.range.start.line + 1} ${String(d.code)}`).sort()).toEqual(
        expectedFindings(text).map((f) => `${f.line} devbound/${f.rule}`).sort(),
      );
      expect(ours.length).toBe(expected.length);
      for (const d of diagnostics.filter((x) => String(x.code).startsWith("devbound/"))) {
        expect(d.source).toBe("eslint");
        expect(d.codeDescription?.href).toBe(DOCS_URL(String(d.code).slice("devbound/".length)));
        expect(d.message.length).toBeGreaterThan(0);
      }

      // The suggestion of the finding chosen above, as ESLint's API applies it.
      const suggestion = message.suggestions![0]!;
      const wanted = applyEslintFix(text, suggestion.fix);
      const target = ours.find((d) => d.range.start.line + 1 === message.line && d.range.start.character + 1 === message.column);
      expect(target, "the LSP diagnostic for that finding").toBeDefined();

      // Ask for code actions on it, as the editor's light bulb does.
      const actions = (await within(
        "textDocument/codeAction",
        connection.sendRequest(CodeActionRequest.type, {
          textDocument: { uri },
          range: target!.range,
          context: { diagnostics: [target!], only: ["quickfix"] },
        }),
        WAIT_MS,
        serverLog,
      )) as (CodeAction | Command)[] | null;
      const titles = (actions ?? []).map((a) => a.title);
      const action = (actions ?? []).find((a): a is CodeAction => a.title === `${suggestion.desc} (devbound/${rule})`);
      expect(action, `a code action for the suggestion "${suggestion.desc}"; got ${JSON.stringify(titles)}`).toBeDefined();
      expect(titles).toContain(`Show documentation for devbound/${rule}`);

      // vscode-eslint's suggestion actions are commands: the server answers the command with a
      // workspace/applyEdit request, which the editor applies.
      let edit = action!.edit;
      if (!edit) {
        expect(action!.command?.command).toBe("eslint.applySuggestion");
        const before = appliedEdits.length;
        await within(
          "workspace/executeCommand eslint.applySuggestion",
          connection.sendRequest(ExecuteCommandRequest.type, {
            command: action!.command!.command,
            arguments: action!.command!.arguments ?? [],
          }),
          WAIT_MS,
          serverLog,
        );
        expect(appliedEdits.length, "the server sent workspace/applyEdit").toBe(before + 1);
        edit = appliedEdits[before]!;
      }
      const edited = applyTextEdits(text, editsFor(edit, uri));
      expect(edited).not.toBe(text);
      expect(edited).toBe(wanted);

      // The editor sends the new text; the finding the suggestion addressed is gone.
      await connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version: 2 },
        contentChanges: [{ text: edited }],
      });
      const after = await pullDiagnostics("diagnostics after the edit");
      expect(after.filter(isOurs).length).toBe(ours.length - 1);
      expect(after.some((d) => isOurs(d) && d.range.start.line + 1 === message.line && d.range.start.character + 1 === message.column)).toBe(false);
    },
    4 * WAIT_MS,
  );
});
