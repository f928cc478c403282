// docs/data-inventory.md as data: the one description of what Parley stores.
// The store test compares it with the live database schema; the client's
// build turns it into the /privacy page. Neither can drift from the other.
// Build-time and test-time only (Node): the browser gets the parsed JSON.
import { Lexer, type Token, type Tokens } from 'marked';

/** A run of text as written: plain, or a `code` span. */
export type InlineText = { text: string; code?: true }[];

export type InventoryTable = {
  /** The table's name in the database. */
  name: string;
  /** A plain-language title ("Your account"). */
  title: string;
  paragraphs: InlineText[];
  columns: { name: string; purpose: InlineText; retention: InlineText }[];
};

export type DataInventory = {
  title: string;
  intro: InlineText[];
  tables: InventoryTable[];
  /** Sections that are not tables (files beside the database): title and items. */
  others: { title: string; paragraphs: InlineText[]; items: InlineText[] }[];
};

export function parseDataInventory(markdown: string): DataInventory {
  const inventory: DataInventory = { title: '', intro: [], tables: [], others: [] };
  let table: InventoryTable | undefined;
  let other: DataInventory['others'][number] | undefined;
  for (const token of new Lexer().lex(markdown)) {
    if (token.type === 'heading') {
      const heading = token as Tokens.Heading;
      if (heading.depth === 1) inventory.title = heading.text;
      if (heading.depth !== 3) continue;
      const named = /^`(\w+)`\s*(?:—\s*(.+))?$/.exec(heading.text);
      if (named?.[1]) {
        table = { name: named[1], title: named[2] ?? named[1], paragraphs: [], columns: [] };
        inventory.tables.push(table);
        other = undefined;
      } else {
        other = { title: heading.text, paragraphs: [], items: [] };
        inventory.others.push(other);
        table = undefined;
      }
    } else if (token.type === 'paragraph') {
      const text = inline((token as Tokens.Paragraph).tokens);
      (table?.paragraphs ?? other?.paragraphs ?? inventory.intro).push(text);
    } else if (token.type === 'table' && table) {
      for (const row of (token as Tokens.Table).rows) {
        const [name, purpose, retention] = row.map((cell) => inline(cell.tokens));
        const column = name?.[0];
        if (column?.code && purpose && retention) table.columns.push({ name: column.text, purpose, retention });
      }
    } else if (token.type === 'list' && other) {
      for (const item of (token as Tokens.List).items) other.items.push(inline(item.tokens));
    }
  }
  return inventory;
}

/** Inline markdown flattened to text and code spans (emphasis and links keep their text). */
function inline(tokens: Token[]): InlineText {
  const out: InlineText = [];
  for (const token of tokens) {
    if (token.type === 'codespan') out.push({ text: (token as Tokens.Codespan).text, code: true });
    else if ('tokens' in token && token.tokens?.length) out.push(...inline(token.tokens));
    else if ('text' in token) out.push({ text: unescape(String(token.text)) });
  }
  return out;
}

function unescape(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}
