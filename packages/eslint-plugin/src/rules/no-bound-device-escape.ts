/**
 * no-bound-device-escape: a `Device<Bound>`/`Device<Core>` kept past the call that proves the
 * device bound: stored in a field, a module or outer variable, a collection, the driver data
 * probe() returns, returned, captured by a deferred callback, or passed to a helper that does
 * one of these (what Rust's lifetimes forbid for `&Device<Bound>`; seeds/000, seeds/003).
 *
 * Leaves: parameters and local variables whose type is a bound device context (brands.ts);
 * each read is followed by escapes.ts within the function that declares it. A helper that keeps
 * its parameter is reported at each call (the caller's proof leaves there); when that parameter is
 * itself typed Device<Bound>/<Core>, the helper's own store is a second escape (from the helper's
 * scope), reported in its body, and the call's message points to the helper as the place to fix.
 * Suggestion: keep `dev.get()`, the reference-counted Device<Normal>, instead, widening the
 * declaration that stores it when it asks for a bound device (analysis/widening.ts); not offered
 * where later code uses the stored device as a bound one (the fix is there).
 * A captured device passed straight to a devres call is left to devm-after-unbind (one finding
 * a bug); any other use of it in the callback is reported here. So is a helper call whose helper
 * keeps the device only that way (a timer armed to call a devm function, a release callback or
 * file operations that call one, through further helpers too): devm-after-unbind or
 * no-devres-in-release reports the devres call in the helper, and that is the one finding.
 */
import { ts } from "../util/typescript.js";
import type { TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../util/create-rule.js";
import {
  argumentSinks,
  contextText,
  declaredParameterType,
  deviceContextOf,
  describeEscape,
  driverRoleOf,
  enclosingFunction,
  escapesOf,
  getAnalysis,
  isBoundContext,
  isFunctionNode,
  isModuleLevel,
  mayBeDeviceValue,
  ownerName,
  parameterEscapes,
  referencesTo,
  typeInfoMessages,
  parameterPropertyFix,
  storeGetFix,
  type Escape,
  type FunctionNode,
} from "../analysis/index.js";

type MessageIds = "stored" | "driverData" | "returned" | "captured" | "helper" | "helperKeepsBound" | "storeGet" | "storeGetWiden" | keyof typeof typeInfoMessages;

const PROOF = "`{{name}}` is a Device<{{ctx}}>, proof that {{owner}} is bound only while this call runs";

export default createRule<[], MessageIds>({
  name: "no-bound-device-escape",
  meta: {
    type: "problem",
    hasSuggestions: true,
    docs: {
      description: "Disallow keeping a `Device<Bound>`/`Device<Core>` past the scope that proves the device bound",
      recommended: "error",
      requiresTypeChecking: true,
    },
    schema: [],
    messages: {
      ...typeInfoMessages,
      stored: `${PROOF}, but it is stored in {{sink}}, which outlives unbind; store \`{{name}}.get()\` (a reference-counted Device<Normal>) instead`,
      driverData: `${PROOF}, but probe() returns it in {{sink}}, which the bus keeps after probe() returns; return \`{{name}}.get()\` (a reference-counted Device<Normal>) and put it in remove()`,
      returned: `${PROOF}, but {{sink}} hands it to a caller that may keep it past unbind; return \`{{name}}.get()\` (a Device<Normal>) or pass the device down instead`,
      captured: `${PROOF}, but {{sink}} captures it and may run after unbind; capture \`{{name}}.get()\` (a Device<Normal>) taken now, or use a bound callback (devmRequestIrq, a devm workqueue) that receives its own Device<Bound>`,
      helper: `${PROOF}, but it is passed to {{sink}}, which outlives unbind; pass \`{{name}}.get()\` (a Device<Normal>) instead`,
      helperKeepsBound: `${PROOF}, but it is passed to {{sink}}, which outlives unbind; \`{{helper}}\` takes a bound device itself, so fix it there: keep \`{{param}}.get()\` (a Device<Normal>) instead`,
      storeGet: "Keep `{{name}}.get()` (a Device<Normal>) instead",
      storeGetWiden: "Keep `{{name}}.get()` (a Device<Normal>) instead, and declare {{target}} as `{{type}}`",
    },
  },
  defaultOptions: [],
  create(context) {
    const an = getAnalysis(context);
    if (!an) return {};
    const { checker } = an;
    const done = new Set<string>();
    const boundCtx = (t: ts.Type) => {
      const c = deviceContextOf(checker, t);
      return isBoundContext(c) ? c : undefined;
    };

    /** A captured device handed straight to a devres call: devm-after-unbind's finding, not a second one. */
    function isDevresArgument(e: Escape): boolean {
      const parent = e.node.parent;
      if (e.path.length > 0 || !parent || !(ts.isCallExpression(parent) || ts.isNewExpression(parent))) return false;
      const i = parent.arguments?.indexOf(e.node) ?? -1;
      return i >= 0 && argumentSinks(an!, parent, i).some((s) => (s.brand === "devresTarget" || s.brand === "devresRelease") && s.path.length === 0);
    }

    /**
     * A helper call whose helper keeps its parameter only as captured devres arguments, directly or
     * through further helpers: the devres call is the finding (devm-after-unbind, no-devres-in-release).
     */
    function onlyDevresCaptures(e: Escape, depth = 0): boolean {
      if (e.kind === "captured") return isDevresArgument(e);
      if (e.kind !== "helper" || !e.helper || depth > 8) return false;
      const { escapes } = parameterEscapes(an!, e.helper.fn, e.helper.index);
      return escapes.length > 0 && escapes.every((inner) => onlyDevresCaptures(inner, depth + 1));
    }

    /** A helper call named by what the helper does that is this rule's finding, not a devres capture. */
    function ownEscape(e: Escape): Escape {
      if (e.kind !== "helper" || !e.helper || !onlyDevresCaptures(e.helper.inner)) return e;
      const inner = parameterEscapes(an!, e.helper.fn, e.helper.index).escapes.find((x) => !onlyDevresCaptures(x));
      return inner ? { ...e, helper: { ...e.helper, inner } } : e;
    }

    function isDriverData(fn: FunctionNode, p: ts.ParameterDeclaration): boolean {
      return fn.parameters.indexOf(p) === 1 && driverRoleOf(an!, fn)?.role === "remove";
    }

    /** `ownerNode`: where the driver named in the message is looked up (only for a finding). */
    function report(e: Escape, ctx: NonNullable<ReturnType<typeof boundCtx>>, ownerNode: ts.Node): void {
      const es = an!.esNode(e.node);
      if (!es) return;
      if ((e.kind === "captured" || e.kind === "helper") && onlyDevresCaptures(e)) return;
      const key = `${e.node.pos}:${e.node.end}:${e.kind}`;
      if (done.has(key)) return;
      done.add(key);
      const name = an!.text(e.node);
      // A helper whose parameter is itself a bound device: `helper(dev.get())` would not type-check; the fix is in the helper.
      const h = e.kind === "helper" ? e.helper : undefined;
      const helperParam = h?.fn.parameters[h.index];
      const keepsBound = helperParam !== undefined && boundCtx(checker.getTypeAtLocation(helperParam)) !== undefined;
      const messageId: MessageIds =
        e.kind === "driver-data"
          ? "driverData"
          : e.kind === "return"
            ? "returned"
            : e.kind === "captured"
              ? "captured"
              : e.kind === "helper"
                ? keepsBound
                  ? "helperKeepsBound"
                  : "helper"
                : "stored";
      const sink = e.kind === "return" ? `\`${e.target}\`` : describeEscape(ownEscape(e));
      const parent = e.node.parent;
      const fix = e.kind === "captured" || keepsBound ? undefined : ts.isParameter(parent) ? parameterPropertyFix(an!, parent) : storeGetFix(an!, e.node);
      // Report the expression itself (an ESTree parameter identifier would span its type annotation).
      const sc = context.sourceCode;
      context.report({
        loc: { start: sc.getLocFromIndex(e.node.getStart()), end: sc.getLocFromIndex(e.node.end) },
        messageId,
        data: { name, ctx: contextText(ctx), owner: ownerName(an!, ownerNode), sink, ...(keepsBound ? { helper: h!.name, param: h!.param } : {}) },
        suggest: fix
          ? [
              {
                messageId: fix.widened ? "storeGetWiden" : "storeGet",
                data: { name, ...fix.widened },
                fix: (fixer) => fix.edits.map((edit) => fixer.replaceTextRange(edit.range, edit.text)),
              },
            ]
          : [],
      });
    }

    /** `type`: the name's type when known without asking the checker about the name itself. */
    function check(nameNode: ts.Identifier, home: ts.Node, type?: ts.Type): void {
      const ctx = boundCtx(type ?? checker.getTypeAtLocation(nameNode));
      if (!ctx) return;
      // Read every reference: aliases, containers, stores and captures are followed from each.
      for (const ref of referencesTo(checker, nameNode, home)) {
        for (const e of escapesOf(an!, ref, { home })) report(e, ctx, home);
      }
    }

    return {
      ":function"(node: TSESTree.FunctionLike) {
        const fn = an.tsNode(node);
        if (!isFunctionNode(fn)) return;
        for (const p of fn.parameters) {
          const names: ts.Identifier[] = [];
          const collect = (b: ts.BindingName) => {
            if (ts.isIdentifier(b)) names.push(b);
            else for (const el of b.elements) if (ts.isBindingElement(el)) collect(el.name);
          };
          collect(p.name);
          // `constructor(private dev: Device<Bound>)`: the parameter property is a field.
          if (ts.isConstructorDeclaration(fn) && ts.isIdentifier(p.name) && ts.getModifiers(p)?.length) {
            const ctx = boundCtx(checker.getTypeAtLocation(p.name));
            if (ctx) {
              report({ kind: "field", node: p.name, target: `this.${p.name.text}`, path: [], site: p }, ctx, fn);
            }
          }
          if (ts.isIdentifier(p.name)) {
            // Declared types first: the checker would infer a generic callee's type arguments
            // (the whole driver object) to type an unannotated probe parameter.
            const declared = declaredParameterType(checker, p);
            // remove()'s driver data is typed by inference alone; a device in it escaped where
            // probe() returned it, and is reported there.
            if (declared || !isDriverData(fn, p)) check(p.name, fn, declared);
          } else for (const name of names) check(name, fn);
        }
      },
      VariableDeclarator(node: TSESTree.VariableDeclarator) {
        const decl = an.tsNode(node) as ts.VariableDeclaration;
        if (!ts.isIdentifier(decl.name) || isModuleLevel(decl) || !mayBeDeviceValue(checker, decl.initializer)) return;
        const fn = enclosingFunction(decl);
        if (fn) check(decl.name, fn);
      },
    };
  },
});
