/**
 * statement-removal.ts: text edits that remove a statement without leaving debris: the
 * whole line (indentation, a trailing comment on it, its newline) when the statement is alone
 * on it, else the statement and the blanks that separated it from its neighbour. Suggestions
 * that drop a statement use these, so a fixed file has no whitespace-only line.
 *
 *   statementRemovalRange(text, start, end)   [from, to) to delete for the statement at [start, end)
 *   isSideEffectFree(expr)                    no calls, assignments, updates, await/yield, new, delete
 *   negatedConditionText(expr, text)          `!c`, `!(a && b)`, `x` for `!x`
 */
import { ts } from "./typescript.js";

const isBlank = (ch: string | undefined) => ch === " " || ch === "\t";

/** The end of a trailing `// …` or one-line `/* … *\/` comment starting at `i` (after blanks), else `i`. */
function skipTrailingComment(text: string, i: number): number {
  if (text.startsWith("//", i)) {
    const nl = text.indexOf("\n", i);
    return nl < 0 ? text.length : nl;
  }
  if (text.startsWith("/*", i)) {
    const close = text.indexOf("*/", i + 2);
    const nl = text.indexOf("\n", i);
    if (close >= 0 && (nl < 0 || close < nl)) return close + 2;
  }
  return i;
}

export function statementRemovalRange(text: string, start: number, end: number): [number, number] {
  let lineStart = start;
  while (lineStart > 0 && isBlank(text[lineStart - 1])) lineStart--;
  const aloneBefore = lineStart === 0 || text[lineStart - 1] === "\n";
  let after = end;
  while (isBlank(text[after])) after++;
  let lineEnd = skipTrailingComment(text, after);
  while (isBlank(text[lineEnd])) lineEnd++;
  if (text[lineEnd] === "\r" && text[lineEnd + 1] === "\n") lineEnd++;
  const aloneAfter = lineEnd >= text.length || text[lineEnd] === "\n";
  if (aloneBefore && aloneAfter) {
    // The whole line, with its newline (the last line of a file: with the newline before it).
    if (lineEnd < text.length) return [lineStart, lineEnd + 1];
    return [lineStart > 0 ? lineStart - 1 : 0, lineEnd];
  }
  // Code before it on the line: drop the blanks before (`{ kfree(p); }` -> `{ }`); else those after.
  return aloneBefore ? [start, after] : [lineStart, end];
}

export function isSideEffectFree(e: ts.Expression): boolean {
  if (ts.isIdentifier(e) || ts.isLiteralExpression(e) || ts.isNoSubstitutionTemplateLiteral(e)) return true;
  switch (e.kind) {
    case ts.SyntaxKind.ThisKeyword:
    case ts.SyntaxKind.TrueKeyword:
    case ts.SyntaxKind.FalseKeyword:
    case ts.SyntaxKind.NullKeyword:
    case ts.SyntaxKind.SuperKeyword:
      return true;
  }
  if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeOfExpression(e)) {
    return isSideEffectFree(e.expression);
  }
  if (ts.isPropertyAccessExpression(e)) return isSideEffectFree(e.expression);
  if (ts.isElementAccessExpression(e)) return isSideEffectFree(e.expression) && isSideEffectFree(e.argumentExpression);
  if (ts.isPrefixUnaryExpression(e)) {
    return e.operator !== ts.SyntaxKind.PlusPlusToken && e.operator !== ts.SyntaxKind.MinusMinusToken && isSideEffectFree(e.operand);
  }
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    const assigns = op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment;
    return !assigns && op !== ts.SyntaxKind.CommaToken && isSideEffectFree(e.left) && isSideEffectFree(e.right);
  }
  if (ts.isConditionalExpression(e)) return isSideEffectFree(e.condition) && isSideEffectFree(e.whenTrue) && isSideEffectFree(e.whenFalse);
  if (ts.isTemplateExpression(e)) return e.templateSpans.every((s) => isSideEffectFree(s.expression));
  return false;
}

export function negatedConditionText(e: ts.Expression, sf: ts.SourceFile): string {
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) return e.operand.getText(sf);
  const simple = ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) || ts.isCallExpression(e) || ts.isParenthesizedExpression(e);
  return simple ? `!${e.getText(sf)}` : `!(${e.getText(sf)})`;
}
