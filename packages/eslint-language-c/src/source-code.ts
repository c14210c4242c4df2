/**
 * CSourceCode: ESLint's view of one parsed C file, on @eslint/plugin-kit's TextSourceCodeBase.
 * Parents are the nodes' own `parent` links; comments are kept beside the tree; inline
 * directives (`/* eslint-disable-next-line devbound/x *\/`, `// eslint-disable-line`,
 * `/* eslint devbound/x: "off" *\/`) are read from comments as ESLint's own languages do.
 */
import type { DirectiveType, FileProblem, RulesConfig, SourceLocation as CoreLocation, SourceRange } from "@eslint/core";
import { ConfigCommentParser, Directive, TextSourceCodeBase, VisitNodeStep } from "@eslint/plugin-kit";
import type { CLanguageOptions } from "./language.js";
import type { CNode, Comment, LineTable, SourceLocation } from "./node.js";

const commentParser = new ConfigCommentParser();

/** A comment that may hold an inline configuration or directive. */
const INLINE_CONFIG = /^\s*eslint(?:-enable|-disable(?:(?:-next)?-line)?)?(?:\s|$)/u;

export type CSyntaxElement = CNode | Comment;

class CTraversalStep extends VisitNodeStep {
  declare target: CNode;
}

export class CSourceCode extends TextSourceCodeBase<{
  LangOptions: CLanguageOptions;
  RootNode: CNode;
  SyntaxElementWithLoc: CSyntaxElement;
  ConfigNode: Comment;
}> {
  /** Every comment of the file, in source order. */
  readonly comments: Comment[];
  readonly #lineTable: LineTable | undefined;
  #inlineConfigComments: Comment[] | undefined;

  constructor({ text, ast, comments, lines }: { text: string; ast: CNode; comments: Comment[]; lines?: LineTable }) {
    // ESLint's own line breaks, so `lines` agrees with the nodes' locations.
    super({ text, ast, lineEndingPattern: /\r\n|[\r\n\u2028\u2029]/u });
    this.comments = comments;
    this.#lineTable = lines;
  }

  override getLoc(nodeOrToken: CSyntaxElement): CoreLocation {
    return nodeOrToken.loc;
  }

  override getRange(nodeOrToken: CSyntaxElement): SourceRange {
    return nodeOrToken.range;
  }

  override getParent(node: CSyntaxElement): CNode | undefined {
    return "parent" in node ? (node.parent ?? undefined) : undefined;
  }

  override getAncestors(node: CSyntaxElement): CNode[] {
    const out: CNode[] = [];
    for (let n = this.getParent(node); n; n = n.parent ?? undefined) out.push(n);
    return out.reverse();
  }

  /** The location of an offset range (what `loc` of a node is made of). */
  locOfRange(start: number, end: number): SourceLocation {
    if (this.#lineTable) return this.#lineTable.loc(start, end);
    return { start: this.getLocFromIndex(start), end: this.getLocFromIndex(end) };
  }

  getInlineConfigNodes(): Comment[] {
    return (this.#inlineConfigComments ??= this.comments.filter((c) => INLINE_CONFIG.test(c.value)));
  }

  getDisableDirectives(): { problems: FileProblem[]; directives: Directive[] } {
    const problems: FileProblem[] = [];
    const directives: Directive[] = [];
    for (const comment of this.getInlineConfigNodes()) {
      const parsed = commentParser.parseDirective(comment.value);
      if (!parsed) continue;
      const { label, value, justification } = parsed;
      // A disable-line directive spanning lines would be ambiguous (ESLint's own rule).
      if (label === "eslint-disable-line" && comment.loc.start.line !== comment.loc.end.line) {
        problems.push({ ruleId: null, message: `${label} comment should not span multiple lines.`, loc: comment.loc });
        continue;
      }
      switch (label) {
        case "eslint-disable":
        case "eslint-enable":
        case "eslint-disable-next-line":
        case "eslint-disable-line":
          directives.push(
            new Directive({ type: label.slice("eslint-".length) as DirectiveType, node: comment, value, justification }),
          );
      }
    }
    return { problems, directives };
  }

  applyInlineConfig(): { configs: { config: { rules: RulesConfig }; loc: CoreLocation }[]; problems: FileProblem[] } {
    const configs: { config: { rules: RulesConfig }; loc: CoreLocation }[] = [];
    const problems: FileProblem[] = [];
    for (const comment of this.getInlineConfigNodes()) {
      const parsed = commentParser.parseDirective(comment.value);
      if (parsed?.label !== "eslint") continue;
      const result = commentParser.parseJSONLikeConfig(parsed.value);
      if (result.ok) configs.push({ config: { rules: result.config as RulesConfig }, loc: comment.loc });
      else problems.push({ ruleId: null, message: result.error.message, loc: comment.loc });
    }
    return { configs, problems };
  }

  /**
   * Enter/exit steps for every node, depth first, ERROR subtrees included. Generated lazily (the
   * tree never changes, and ESLint consumes the steps once): a whole file's steps are never held.
   */
  override *traverse(): Generator<CTraversalStep> {
    // Iterative: kernel code nests deeply enough (long `||` chains, else-if ladders) to make recursion risky.
    const root = this.ast;
    const nodes: CNode[] = [root];
    const next: number[] = [0];
    const argsOf: unknown[][] = [[root, null]]; // one args array per node, shared by its two steps
    yield new CTraversalStep({ target: root, phase: 1, args: argsOf[0]! });
    while (nodes.length > 0) {
      const top = nodes.length - 1;
      const node = nodes[top]!;
      const i = next[top]!;
      if (i < node.children.length) {
        next[top] = i + 1;
        const child = node.children[i]!;
        const args = [child, node];
        yield new CTraversalStep({ target: child, phase: 1, args });
        nodes.push(child);
        next.push(0);
        argsOf.push(args);
      } else {
        yield new CTraversalStep({ target: node, phase: 2, args: argsOf[top]! });
        nodes.pop();
        next.pop();
        argsOf.pop();
      }
    }
  }
}
