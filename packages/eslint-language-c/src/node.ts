/**
 * The plain-object C tree (the AST contract shared with the plugin's C analysis).
 *
 * A node keeps what every consumer reads eagerly (type, range, parent, named children,
 * field, operator, leaf text, error flags); `loc` is computed on first read from the file's
 * line-start table (most nodes are never reported), then cached. All offsets are UTF-16
 * code units into the ORIGINAL source text.
 */

export interface Position {
  /** 1-based */
  line: number;
  /** 0-based, UTF-16 code units */
  column: number;
}

export interface SourceLocation {
  start: Position;
  end: Position;
}

export interface CNode {
  /** The tree-sitter-c node type ("translation_unit", "call_expression", "ERROR", ...). */
  type: string;
  /** UTF-16 offsets into the original source text. */
  range: [number, number];
  loc: SourceLocation;
  /** null only for translation_unit */
  parent: CNode | null;
  /** Named children in source order: no anonymous tokens, no comments. */
  children: CNode[];
  /** This node's field name in its parent, or null. */
  field: string | null;
  /** The parent-relative `operator` token's text ("->", ".", "&", "=", "+=", "!", ...). */
  operator?: string;
  /** Source text of a leaf named node (identifier, number_literal, string_content, ...). */
  text?: string;
  /** The node is, or contains, an ERROR or MISSING node. */
  hasError?: boolean;
  /** A zero-width node tree-sitter inserted to recover from an error. */
  missing?: boolean;
}

export interface Comment {
  type: "Block" | "Line";
  /** The text between the delimiters (`/*`..`*\/`, or `//`..end of line). */
  value: string;
  range: [number, number];
  loc: SourceLocation;
}

/** Line-start offsets of one file, shared by all its nodes for lazy `loc`. */
export class LineTable {
  readonly starts: number[];

  constructor(text: string) {
    // Line breaks as ESLint counts them (\r\n, \r, \n, U+2028, U+2029), so reported lines match the editor's.
    const starts = [0];
    const re = /\r\n|[\r\n\u2028\u2029]/g;
    for (let m = re.exec(text); m; m = re.exec(text)) starts.push(m.index + m[0].length);
    this.starts = starts;
  }

  position(offset: number): Position {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! };
  }

  loc(start: number, end: number): SourceLocation {
    return { start: this.position(start), end: this.position(end) };
  }
}

const NO_CHILDREN: CNode[] = Object.freeze([]) as unknown as CNode[];

/** The runtime class of CNode: plain fields plus a lazily computed, cached `loc`. */
export class CNodeImpl implements CNode {
  type: string;
  range: [number, number];
  parent: CNode | null;
  children: CNode[] = NO_CHILDREN;
  field: string | null;
  // `declare`: no own property unless set, so most nodes stay four fields wide.
  declare operator?: string;
  declare text?: string;
  declare hasError?: boolean;
  declare missing?: boolean;
  #lines: LineTable;
  #loc: SourceLocation | undefined;

  constructor(type: string, start: number, end: number, parent: CNode | null, field: string | null, lines: LineTable) {
    this.type = type;
    this.range = [start, end];
    this.parent = parent;
    this.field = field;
    this.#lines = lines;
  }

  /** Appends a child (leaves share one frozen empty array: most nodes are leaves). */
  adopt(child: CNode): void {
    if (this.children === NO_CHILDREN) this.children = [child];
    else this.children.push(child);
  }

  get loc(): SourceLocation {
    return (this.#loc ??= this.#lines.loc(this.range[0], this.range[1]));
  }

  set loc(value: SourceLocation) {
    this.#loc = value;
  }

  /** Without parent (a cycle) and with loc: what `JSON.stringify`, snapshots and debuggers show. */
  toJSON(): object {
    const { parent: _parent, ...rest } = this;
    return { ...rest, loc: this.loc };
  }
}
