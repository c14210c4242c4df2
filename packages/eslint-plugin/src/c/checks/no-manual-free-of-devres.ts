/**
 * no-manual-free-of-devres, the C check: a manual release (kfree, free_irq, iounmap,
 * clk_put, dma_free_coherent, i2c_del_adapter, ... every release of the vocabulary) of a
 * resource a devm acquisition of the same kind made: devres releases it again when the
 * device unbinds. The message names what that second release does, per kind (vocabulary
 * CONSEQUENCE: a double free, an unbalanced disable, a double unregister, ...).
 *
 * How: each release call of a kernel API (a local, parameter or file function named like it
 * is not the API) asks values.ts where the released value comes from. It is reported when
 * every source (NULL aside) is a managed acquisition of the release's kind: returned by a
 * devm call (`devm_kzalloc`, a `devm_` function not in the vocabulary by the naming
 * convention), or taken as the resource argument of devm calls only (the IRQ number of
 * `devm_request_irq`, `&priv->adap` of `devm_i2c_add_adapter`), or handed to a devm action
 * that releases it (`devm_add_action_or_reset(dev, foo_disable, reg)`). A source that might be
 * manual (also taken by hand elsewhere: runtime PM), or unknown, keeps the rule quiet. A
 * release of a helper's parameter is judged at the helper's callers (`foo_put_buf(priv->buf)`:
 * "(through kfree())"). An acquisition the release cannot follow is not a double free: one in
 * the same function behind it (a goto-unwinding label reached only from gotos placed before
 * it, paths.ts), a registration whose failure branch holds the release (`_or_reset` aside),
 * one in another function than the value's creator when the release is in the creator.
 *
 * Invariant: never throws (a file the analysis cannot follow gets no findings); files that
 * name no managed API at all (`devm_`, `dmam_`, `pcim_`) cost one text scan.
 */
import type { TSESLint } from "@typescript-eslint/utils";
import type { CNode } from "@devbound/eslint-language-c";
import { CONSEQUENCE, MANAGED_NAME_IN_TEXT, MANAGED_RELEASE_TOLERATED, RELEASES_ON_FAILURE, releaseApi, type ResourceKind } from "../vocabulary/index.js";
import { argumentsOf, calleeName, inError, sourceText, strip, stripParens } from "../analysis/syntax.js";
import { getUnit, type Unit } from "../analysis/unit.js";
import { callerArguments, getValues, type Values } from "../analysis/values.js";
import { driversReaching, ownerText } from "../analysis/drivers.js";
import { canRunAfter, inFailureBranchOf } from "../analysis/paths.js";

type MessageIds = "doubleFree" | "dropRelease";
type Context = Readonly<TSESLint.RuleContext<MessageIds, readonly unknown[]>>;

const MAX_HELPER_DEPTH = 4;

interface Site {
  /** the call reported: the release itself, or the call of a helper that releases its parameter */
  call: CNode;
  /** the released expression at that call */
  expr: CNode;
  /** helpers between the reported call and the release, outermost first */
  via: string[];
}

/** A release of a helper's parameter is a release of what each caller passes. */
function releaseSites(unit: Unit, call: CNode, expr: CNode, via: string[], depth: number): Site[] {
  const passed = depth < MAX_HELPER_DEPTH ? callerArguments(unit, strip(expr)) : undefined;
  if (passed) return passed.calls.flatMap(({ call: c, arg }) => (arg ? releaseSites(unit, c, arg, [passed.helper, ...via], depth + 1) : []));
  return [{ call, expr, via }];
}

interface Managed {
  acquisition: CNode;
  api: string;
}

/** The managed acquisition the released value comes from, when every source is one. */
function managedOrigin(unit: Unit, values: Values, site: Site, kind: ResourceKind): Managed | undefined {
  const marks = values.marks();
  const found: Managed[] = [];
  const siteFn = unit.functionOf(site.call);
  for (const s of values.sourcesOf(site.expr)) {
    if (s.type === "null") continue;
    if (s.type === "unknown" && !s.acquire) return undefined;
    // A mark that cannot precede this release: in the branch taken when the registration failed
    // (nothing registered; `_or_reset` aside, which releases on failure itself), or made in
    // another function than the one that created the value while the release is in the creator
    // (its own error path runs before it hands the value over).
    const creator = s.type === "acquire" || s.type === "call" || s.type === "out" ? unit.functionOf(s.node) : undefined;
    const ms = (marks.get(s.key) ?? []).filter(
      (m) =>
        m.acquire.kinds.includes(kind) &&
        !(inFailureBranchOf(m.call, site.call) && !RELEASES_ON_FAILURE.has(m.api)) &&
        !(creator && siteFn === creator && unit.functionOf(m.call) !== creator),
    );
    const manual = ms.filter((m) => !m.acquire.managed).length;
    const actions = ms.filter((m) => m.action);
    if (s.type === "acquire" && (!s.acquire || s.acquire.kinds.includes(kind))) {
      if (s.managed) {
        // Taken again by hand somewhere (runtime PM: suspend disables the devm_clk_get_enabled()
        // clock, resume enables it again): this release may pair with that manual acquisition.
        if (manual > 0 || inFailureBranchOf(s.node, site.call)) return undefined;
        found.push({ acquisition: s.node, api: s.api ?? "" });
        continue;
      }
      // kzalloc() handed to devm_add_action_or_reset(dev, foo_free, p): devres frees it at unbind
      if (actions.length === 0 || actions.length < manual + 1) return undefined;
      for (const m of actions) found.push({ acquisition: m.call, api: m.api });
      continue;
    }
    // Taken by hand and handed to a devm action that releases it (regulator_enable() then
    // devm_add_action_or_reset(dev, foo_disable, reg)): managed, if every manual take is
    // handed over; a take by hand besides the devm one otherwise makes it ambiguous.
    if (ms.length === 0 || (manual > 0 && actions.length < manual)) return undefined;
    for (const m of manual > 0 ? actions : ms.filter((m) => m.acquire.managed)) found.push({ acquisition: m.call, api: m.api });
  }
  // An acquisition this release cannot follow (an earlier error path) does not count.
  const after = found.filter((m) => canRunAfter(unit, m.acquisition, site.call));
  after.sort((a, b) => a.acquisition.range[0] - b.acquisition.range[0]);
  return after[0];
}

/** The range to delete for "drop this release": the statement, and its line when it is alone there. */
function removalRange(text: string, call: CNode): [number, number] | undefined {
  const stmt = call.parent;
  if (!stmt || stmt.type !== "expression_statement" || stripParens(stmt.children[0] ?? stmt) !== call) return undefined;
  const list = stmt.parent?.type;
  if (list !== "compound_statement" && list !== "preproc_if" && list !== "preproc_ifdef" && list !== "preproc_else" && list !== "preproc_elif") return undefined;
  const [s, e] = stmt.range;
  const lineStart = text.lastIndexOf("\n", s - 1) + 1;
  let lineEnd = text.indexOf("\n", e);
  if (lineEnd < 0) lineEnd = text.length;
  if (text.slice(lineStart, s).trim() === "" && text.slice(e, lineEnd).trim() === "") return [lineStart, Math.min(lineEnd + 1, text.length)];
  return [s, e];
}


export function checkNoManualFreeOfDevres(context: Context): TSESLint.RuleListener {
  const text = context.sourceCode.text;
  if (!MANAGED_NAME_IN_TEXT.test(text)) return {};
  // Calls named like a (non-devres) release, collected during ESLint's traversal; the
  // translation unit is analysed only when there is one.
  const candidates: CNode[] = [];
  return {
    call_expression(node: unknown) {
      const call = node as CNode;
      const name = calleeName(call);
      const release = name ? releaseApi(name) : undefined;
      if (release && !release.managedRelease && !MANAGED_RELEASE_TOLERATED.has(release.kind)) candidates.push(call);
    },
    "translation_unit:exit"(root: unknown) {
      if (candidates.length === 0) return;
      const unit = getUnit(root as CNode);
      const values = getValues(unit);
      const reported = new Set<CNode>();
      for (const call of candidates) {
        const name = unit.isKernelCall(call);
        const release = name ? releaseApi(name) : undefined;
        if (!release) continue;
        if (call.hasError || inError(call)) continue;
        const arg = argumentsOf(call)[release.resource];
        if (!arg) continue;
        for (const site of releaseSites(unit, call, arg, [], 0)) {
          if (reported.has(site.call) || inError(site.call)) continue;
          const managed = managedOrigin(unit, values, site, release.kind);
          if (!managed) continue;
          reported.add(site.call);
          const acqFn = unit.functionOf(managed.acquisition);
          const siteFn = unit.functionOf(site.call);
          const driver = (acqFn && driversReaching(unit, acqFn)[0]) ?? (siteFn && driversReaching(unit, siteFn)[0]);
          const resource = sourceText(text, site.expr);
          const releaseText = site.via.length === 0 ? `${name}()` : `${site.via[0]}() (through ${name}())`;
          const data = {
            resource,
            origin: `from ${managed.api}() at line ${managed.acquisition.loc.start.line}`,
            owner: ownerText(driver),
            release: releaseText,
            consequence: CONSEQUENCE[release.kind],
          };
          const range = site.via.length === 0 ? removalRange(text, site.call) : undefined;
          const suggest: TSESLint.ReportSuggestionArray<MessageIds> = range
            ? [{ messageId: "dropRelease", data: { release: releaseText, resource }, fix: (fixer) => fixer.removeRange(range) }]
            : [];
          context.report({ loc: site.call.loc, messageId: "doubleFree", data, suggest });
        }
      }
    },
  };
}
