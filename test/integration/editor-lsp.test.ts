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

/**
 * The VS Code user settings of the README's "Editor" section (its ```jsonc block): the
 * extension's `eslint.validate` / `eslint.probe` lists of languageIds.
 */
function readmeVsCodeSettings(): { validate: string[]; probe?: string[] } {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = /^## Editor\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? "";
  const block = /```jsonc\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README.md: no ```jsonc block (VS Code settings) in the "Editor" section');
  const json = JSON.parse(block.replace(/^\s*\/\/.*$/gm, "")) as Record<string, unknown>;
  const validate = json["eslint.validate"];
  if (!Array.isArray(validate)) throw new Error('README.md: the VS Code settings have no "eslint.validate" list');
  const probe = json["eslint.probe"];
  return { validate: validate as string[], probe: Array.isArray(probe) ? (probe as string[]) : undefined };
}

/**
 * The `validate` setting VS Code's ESLint extension (3.x) sends the server for a document of
 * `languageId`: "on" when `eslint.validate` lists it, else "probe" when `eslint.probe` (default:
 * the JS/TS family, html, vue, markdown, ...; never `c`) lists it, else "off". The server lints
 * a "probe" document only for the languages it knows, so C must be listed in `eslint.validate`.
 */
function vscodeValidateFor(languageId: string, vscode: { validate: string[]; probe?: string[] }): "on" | "probe" | "off" {
  if (vscode.validate.includes(languageId)) return "on";
  return (vscode.probe ?? []).includes(languageId) ? "probe" : "off";
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
  // Documents whose `validate` is decided as VS Code's extension decides it (from the README's
  // VS Code settings): uri -> languageId. Other documents get `settings` as they are.
  const vscodeLanguageOf = new Map<string, string>();
  const vscode = readmeVsCodeSettings();
  const settingsFor = (scopeUri: string | undefined) => {
    const languageId = scopeUri === undefined ? undefined : vscodeLanguageOf.get(scopeUri);
    return languageId === undefined ? settings : { ...settings, validate: vscodeValidateFor(languageId, vscode) };
  };

  /**
   * The document's diagnostics. This server publishes them by pull (LSP 3.17
   * `textDocument/diagnostic`, what VS Code asks), not by push.
   */
  async function pullDiagnostics(what: string, documentUri = uri): Promise<Diagnostic[]> {
    const report = (await within(
      what,
      connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: documentUri } }),
      WAIT_MS,
      serverLog,
    )) as DocumentDiagnosticReport;
    expect(report.kind, "a full diagnostic report").toBe("full");
    return report.kind === "full" ? report.items : [];
  }

  /**
   * Applies a finding's suggestion as the editor does: asks for the code actions on the
   * diagnostic (the light bulb), picks the one titled `<desc> (devbound/<rule>)`, and runs it.
   * vscode-eslint's suggestion actions are commands: the server answers the command with a
   * workspace/applyEdit request, which the editor applies. Returns that edit.
   */
  async function suggestionEdit(documentUri: string, target: Diagnostic, desc: string, ruleName: string): Promise<WorkspaceEdit> {
    const actions = (await within(
      "textDocument/codeAction",
      connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri: documentUri },
        range: target.range,
        context: { diagnostics: [target], only: ["quickfix"] },
      }),
      WAIT_MS,
      serverLog,
    )) as (CodeAction | Command)[] | null;
    const titles = (actions ?? []).map((a) => a.title);
    const action = (actions ?? []).find((a): a is CodeAction => a.title === `${desc} (devbound/${ruleName})`);
    expect(action, `a code action for the suggestion "${desc}"; got ${JSON.stringify(titles)}`).toBeDefined();
    expect(titles).toContain(`Show documentation for devbound/${ruleName}`);
    if (action!.edit) return action!.edit;
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
    return appliedEdits[before]!;
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

    connection.onRequest("workspace/configuration", (params: { items: { scopeUri?: string }[] }) =>
      params.items.map((item) => settingsFor(item.scopeUri)),
    );
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

      const edit = await suggestionEdit(uri, target!, suggestion.desc, rule);
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

  // The same server and client, on a kernel-style C driver (devbound's `c` language,
  // configs.kernel in eslint.config.js): VS Code sends languageId `c` for `.c`, and the
  // server lints it only when the README's `eslint.validate` lists `c`.
  describe("a C file (languageId c)", () => {
    const cRule = "no-manual-free-of-devres";
    const cFile = join(ROOT, "fixtures", cRule, "bad.c");
    const cUri = pathToFileURL(cFile).href;
    // The finding whose suggestion is applied: the kfree() of devm_kcalloc()'d samples.
    const release = "kfree(adc->samples);";

    it(
      "publishes the fixture's findings with rule ids and doc links, and drops a release through the suggestion",
      async () => {
        expect(vscode.validate, "README's VS Code eslint.validate lists c").toContain("c");
        expect(vscode.validate, "and TypeScript, which listing eslint.validate would otherwise switch off").toContain("typescript");
        const cText = readFileSync(cFile, "utf8");
        const expected = expectedFindings(cText);
        expect(expected.length, `${cFile} has \`// expect:\` lines`).toBeGreaterThan(0);

        vscodeLanguageOf.set(cUri, "c");
        await connection.sendNotification(DidOpenTextDocumentNotification.type, {
          textDocument: { uri: cUri, languageId: "c", version: 1, text: cText },
        });
        const diagnostics = await pullDiagnostics(`diagnostics on ${cFile}`, cUri);
        expect(diagnostics.map((d) => `${d.range.start.line + 1} ${String(d.code)}`).sort()).toEqual(
          expected.map((f) => `${f.line} devbound/${f.rule}`).sort(),
        );
        for (const d of diagnostics) {
          expect(d.source).toBe("eslint");
          expect(d.codeDescription?.href).toBe(DOCS_URL(String(d.code).slice("devbound/".length)));
          expect(d.message.length).toBeGreaterThan(0);
        }

        // The diagnostic on the kfree(), and its suggestion as ESLint's API gives it.
        const offset = cText.indexOf(release);
        const line = cText.slice(0, offset).split("\n").length;
        const target = diagnostics.find((d) => d.code === `devbound/${cRule}` && d.range.start.line + 1 === line);
        expect(target, `the LSP diagnostic on line ${line} (${release})`).toBeDefined();
        const [result] = await new ESLint({ cwd: ROOT }).lintFiles([cFile]);
        const finding = result?.messages.find((m) => m.ruleId === `devbound/${cRule}` && m.line === line);
        const suggestion = finding?.suggestions?.[0];
        expect(suggestion, `ESLint's suggestion for the finding on line ${line}`).toBeDefined();

        const edit = await suggestionEdit(cUri, target!, suggestion!.desc, cRule);
        const edited = applyTextEdits(cText, editsFor(edit, cUri));
        // Exactly the release is dropped (the line's comment stays), as ESLint's API does it.
        expect(edited).toBe(cText.slice(0, offset) + cText.slice(offset + release.length));
        expect(edited).toBe(applyEslintFix(cText, suggestion!.fix));

        await connection.sendNotification(DidChangeTextDocumentNotification.type, {
          textDocument: { uri: cUri, version: 2 },
          contentChanges: [{ text: edited }],
        });
        const after = await pullDiagnostics(`diagnostics on ${cFile} after the edit`, cUri);
        expect(after.map((d) => `${d.range.start.line + 1} ${String(d.code)}`).sort()).toEqual(
          expected.filter((f) => f.line !== line).map((f) => `${f.line} devbound/${f.rule}`).sort(),
        );
      },
      4 * WAIT_MS,
    );
  });
});
