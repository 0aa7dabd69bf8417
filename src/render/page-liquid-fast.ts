/**
 * A faster way through LiquidJS for the tags pages use most. LiquidJS evaluates every `{{ }}`,
 * `{% if %}` and `{% for %}` through several nested generators, a few microseconds each; a page has
 * dozens, and a site 10,000 pages. After parsing, `accelerate` gives the common, simple nodes a
 * synchronous `render` that does exactly what LiquidJS's does, and makes the engine's list renderer
 * synchronous:
 *
 *   - `{{ a.b.c | filter: x, y }}` whose value and arguments are literals or plain variable paths;
 *   - `{% if %}` / `{% elsif %}` / `{% unless %}` on such values and the binary operators;
 *   - `{% assign x = … %}` of such a value;
 *   - `{% for x in a.b limit: n offset: m reversed %}` (with `forloop`, `{% else %}`, break, continue);
 *   - `{% layout "name" %}` (a literal name, no arguments) and `{% block %}`, `{{ block.super }}`.
 *
 * Anything else (ranges, `offset: continue`, `not`, custom tags, partials) keeps LiquidJS's
 * own code. Only renderSync may use an accelerated engine. Properties are read with the engine's
 * own `readProperty` and filters and operators are the engine's own functions, so values, escaping
 * and errors are the same; tests/render/pages-fast-path.test.ts renders a corpus of templates both
 * ways and requires byte-identical results.
 *
 * This reaches into LiquidJS objects beyond its typed API (field names checked against 10.x). Every
 * field is checked before use: a node whose shape is not the expected one is left alone.
 */
import type { Context, Emitter, Liquid, Template } from 'liquidjs';
import { liquidjs } from './liquidjs.js';

const { AssignTag, BlockTag, Drop, ForTag, IfTag, isTruthy, LayoutTag, LiquidError, Output, RenderError, toValue, toValueSync, TypeGuards, UnlessTag } = liquidjs;

/** The parts of a LiquidJS Context this module uses (some are private in its typings). */
interface Ctx {
  findScope(key: string): unknown;
  readProperty(obj: unknown, key: unknown): unknown;
  bottom(): Record<string, unknown>;
  push(scope: object): number;
  pop(): unknown;
  getRegister(key: string, fallback?: unknown): unknown;
  setRegister(key: string, value: unknown): unknown;
  breakCalled: boolean;
  continueCalled: boolean;
  opts: { operators: Record<string, (...args: unknown[]) => unknown> };
}

/** The parts of a parsed filter (`| name: args`) LiquidJS keeps private. */
interface FilterInternals {
  handler: (this: unknown, ...args: unknown[]) => unknown;
  args: unknown[];
  token: unknown;
  liquid: unknown;
}

interface ValueInternals {
  initial: { postfix: unknown[] };
  filters: FilterInternals[];
}

interface Branch {
  value: ValueInternals;
  test?: (v: unknown, ctx: unknown) => boolean;
  templates: Template[];
}

type Getter = (ctx: Ctx) => unknown;
type Renderer = (ctx: Ctx, emitter: Emitter) => void;

const BINARY = new Set(['==', '!=', '>', '<', '>=', '<=', 'contains', 'and', 'or']);

function isIterator(v: unknown): v is Iterator<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as Iterator<unknown>).next === 'function' && typeof (v as Iterator<unknown>).throw === 'function';
}

/** Drive a generator LiquidJS returned; pass a plain value through. */
function settle(v: unknown): unknown {
  return isIterator(v) ? toValueSync(v as Generator<unknown, unknown, unknown>) : v;
}

/** A literal or a plain variable path (`a`, `a.b`, `a["b"]`, `a[0]`), as LiquidJS's evalToken reads it. */
function operand(token: unknown): Getter | null {
  if (token === null || typeof token !== 'object') return null;
  if ('content' in token) {
    const content = (token as { content: unknown }).content;
    return () => content;
  }
  if (!TypeGuards.isPropertyAccessToken(token as never)) return null;
  const t = token as { variable?: unknown; props?: unknown[] };
  if (t.variable !== undefined || !Array.isArray(t.props) || t.props.length === 0) return null;
  if (!t.props.every((p) => p !== null && typeof p === 'object' && 'content' in p)) return null;
  const keys = t.props.map((p) => toValue((p as { content: unknown }).content));
  const first = keys[0];
  if (typeof first !== 'string') return null;
  return (ctx) => {
    let scope = ctx.findScope(first);
    // readProperty may hand back a generator (a Drop method such as block.super): drive it, as
    // LiquidJS's _getFromScope does by yielding it.
    for (const key of keys) scope = settle(ctx.readProperty(scope, key));
    return scope;
  };
}

function expression(postfix: unknown[]): Getter | null {
  if (!Array.isArray(postfix) || postfix.length === 0) return null;
  const steps: ({ get: Getter } | { op: string })[] = [];
  for (const token of postfix) {
    if (TypeGuards.isOperatorToken(token as never)) {
      const op = (token as { operator?: unknown }).operator;
      if (typeof op !== 'string' || !BINARY.has(op)) return null;
      steps.push({ op });
    } else {
      const get = operand(token);
      if (!get) return null;
      steps.push({ get });
    }
  }
  const only = steps.length === 1 ? steps[0]! : undefined;
  if (only && 'get' in only) return only.get;
  return (ctx) => {
    const stack: unknown[] = [];
    for (const step of steps) {
      if ('get' in step) stack.push(step.get(ctx));
      else {
        const r = stack.pop();
        const l = stack.pop();
        stack.push(settle(ctx.opts.operators[step.op]!(l, r, ctx)));
      }
    }
    return stack[0];
  };
}

/** `Value.value(ctx)`: the expression, then each filter with its evaluated arguments. */
function value(v: unknown): Getter | null {
  const val = v as Partial<ValueInternals> | null;
  if (!val || typeof val !== 'object' || !val.initial || !Array.isArray(val.filters)) return null;
  const initial = expression(val.initial.postfix);
  if (!initial) return null;
  const filters: { f: FilterInternals; args: (Getter | [unknown, Getter])[] }[] = [];
  for (const f of val.filters) {
    if (typeof f?.handler !== 'function' || !Array.isArray(f.args)) return null;
    const args: (Getter | [unknown, Getter])[] = [];
    for (const arg of f.args) {
      if (Array.isArray(arg)) {
        const get = operand(arg[1]);
        if (!get) return null;
        args.push([arg[0], get]);
      } else {
        const get = operand(arg);
        if (!get) return null;
        args.push(get);
      }
    }
    filters.push({ f, args });
  }
  if (filters.length === 0) return initial;
  return (ctx) => {
    let result = initial(ctx);
    for (const { f, args } of filters) {
      const argv: unknown[] = [result];
      for (const a of args) argv.push(Array.isArray(a) ? [a[0], a[1](ctx)] : a(ctx));
      result = settle(f.handler.apply({ context: ctx, token: f.token, liquid: f.liquid }, argv));
    }
    return result;
  };
}

/** LiquidJS's `forloop` object, field for field (its own class is not exported). */
class ForloopDrop extends Drop {
  // Declared in LiquidJS's order: `{{ forloop }}` prints them as JSON.
  i: number;
  length: number;
  name: string;
  constructor(length: number, collection: string, variable: string) {
    super();
    this.i = 0;
    this.length = length;
    this.name = `${variable}-${collection}`;
  }
  next(): void {
    this.i++;
  }
  index0(): number {
    return this.i;
  }
  index(): number {
    return this.i + 1;
  }
  first(): boolean {
    return this.i === 0;
  }
  last(): boolean {
    return this.i === this.length - 1;
  }
  rindex(): number {
    return this.length - this.i;
  }
  rindex0(): number {
    return this.length - this.i - 1;
  }
  override valueOf(): string {
    return JSON.stringify(this);
  }
}

// LiquidJS's BlockMode register values.
const BLOCK_OUTPUT = 0;
const BLOCK_STORE = 1;

/** LiquidJS's BlockDrop: `{{ block.super }}` renders the layout's version of the block. */
class BlockDrop extends Drop {
  constructor(private readonly superBlockRender: (emitter: Emitter) => unknown = () => '') {
    super();
  }
  *super(): Generator<unknown, string, unknown> {
    const emitter = new BufferEmitter();
    yield this.superBlockRender(emitter);
    return emitter.buffer;
  }
}

/** LiquidJS's toEnumerable, for the values a page loops over. */
function enumerable(v: unknown): unknown[] {
  const val = toValue(v);
  if (Array.isArray(val)) return val;
  if (typeof val === 'string' && val.length > 0) return [val];
  if (val !== null && (typeof val === 'object' || typeof val === 'function')) {
    if (Symbol.iterator in val) return Array.from(val as Iterable<unknown>);
    return Object.keys(val).map((k) => [k, (val as Record<string, unknown>)[k]]);
  }
  return [];
}

export interface AccelerateStats {
  fast: number;
  slow: number;
}

/**
 * Make `liquid`'s list renderer synchronous and give the simple nodes of `templates` (and of
 * everything nested in them) a fast `render`. Call once per parsed template; calling twice is
 * harmless. Returns how many nodes were accelerated and how many kept LiquidJS's path.
 */
export function accelerate(liquid: Liquid, templates: Template[], stats: AccelerateStats = { fast: 0, slow: 0 }): AccelerateStats {
  const o = liquid.options as { strictVariables?: boolean; catchAllErrors?: boolean; renderLimit?: number; orderedFilterParameters?: boolean };
  // Strict variables, error collection and render limits change evaluation: leave such engines alone.
  if (o.strictVariables || o.catchAllErrors || (o.renderLimit !== undefined && o.renderLimit !== Infinity)) return stats;
  const renderList = syncRenderList(liquid);
  walk(templates);
  return stats;

  function walk(list: unknown): void {
    if (!Array.isArray(list)) return;
    for (const node of list) {
      if (!node || typeof node !== 'object' || FAST.has(node)) continue;
      FAST.add(node);
      const r = fastRender(node);
      if (r) {
        (node as { render: unknown }).render = r;
        stats.fast++;
      } else if (node instanceof Output || node instanceof IfTag || node instanceof UnlessTag || node instanceof ForTag || node instanceof AssignTag) {
        stats.slow++;
      }
      // Nested lists: if/unless branches, for bodies, blocks, layout bodies.
      const n = node as { branches?: { templates?: unknown }[]; templates?: unknown; elseTemplates?: unknown };
      if (Array.isArray(n.branches)) for (const b of n.branches) walk(b?.templates);
      walk(n.templates);
      walk(n.elseTemplates);
    }
  }

  function fastRender(node: object): Renderer | null {
    if (node instanceof Output) {
      const get = value(node.value);
      if (!get) return null;
      return (ctx, emitter) => emitter.write(toValue(get(ctx)));
    }
    if (node instanceof IfTag || node instanceof UnlessTag) {
      const n = node as unknown as { branches: Branch[]; elseTemplates?: Template[] };
      if (!Array.isArray(n.branches)) return null;
      const branches: { get: Getter; test: (v: unknown, ctx: unknown) => boolean; templates: Template[] }[] = [];
      for (const b of n.branches) {
        const get = value(b.value);
        if (!get || !Array.isArray(b.templates)) return null;
        const test = node instanceof UnlessTag ? b.test : isTruthy;
        if (typeof test !== 'function') return null;
        branches.push({ get, test: test as (v: unknown, ctx: unknown) => boolean, templates: b.templates });
      }
      const otherwise = n.elseTemplates ?? [];
      return (ctx, emitter) => {
        for (const b of branches) {
          if (b.test(toValue(b.get(ctx)), ctx)) {
            renderList(b.templates, ctx, emitter);
            return;
          }
        }
        renderList(otherwise, ctx, emitter);
      };
    }
    if (node instanceof AssignTag) {
      const n = node as unknown as { key?: unknown; value?: unknown };
      const get = value(n.value);
      if (!get || typeof n.key !== 'string') return null;
      const key = n.key;
      return (ctx) => {
        ctx.bottom()[key] = get(ctx);
      };
    }
    if (node instanceof ForTag) return fastFor(node);
    if (node instanceof LayoutTag) return fastLayout(node);
    if (node instanceof BlockTag) return fastBlock(node);
    return null;
  }

  /** LayoutTag.render: render the page's blocks into the register, then the layout with them. */
  function fastLayout(node: InstanceType<typeof LayoutTag>): Renderer | null {
    const n = node as unknown as { file?: unknown; currentFile?: unknown; args?: { hash?: Record<string, unknown> }; templates?: Template[] };
    const body = n.templates;
    if (!Array.isArray(body) || !n.args?.hash || Object.keys(n.args.hash).length > 0) return null;
    if (n.file === undefined) {
      return (ctx, emitter) => {
        ctx.setRegister('blockMode', BLOCK_OUTPUT);
        renderList(body, ctx, emitter);
      };
    }
    if (typeof n.file !== 'string') return null;
    const file = n.file;
    const currentFile = n.currentFile;
    const parseLayout = (liquid as unknown as { _parseLayoutFile?: (f: string, sync: boolean, current: unknown) => unknown })._parseLayoutFile;
    if (typeof parseLayout !== 'function') return null;
    // The engine's sources never change, so the layout resolves to the same parsed file each time.
    let layout: Template[] | undefined;
    return (ctx, emitter) => {
      if (!layout) {
        layout = settle(parseLayout.call(liquid, file, true, currentFile)) as Template[];
        walk(layout);
      }
      ctx.setRegister('blockMode', BLOCK_STORE);
      const html = renderList(body, ctx);
      const blocks = ctx.getRegister('blocks', {}) as Record<string, unknown>;
      if (blocks[''] === undefined) blocks[''] = (_parent: unknown, e: Emitter) => e.write(html);
      ctx.setRegister('blockMode', BLOCK_OUTPUT);
      ctx.push(Object.create(null));
      renderList(layout, ctx, emitter);
      ctx.pop();
    };
  }

  /** BlockTag.render: store the block while a page fills its layout, or render it (child first). */
  function fastBlock(node: InstanceType<typeof BlockTag>): Renderer | null {
    const { block, templates } = node;
    if (typeof block !== 'string' || !Array.isArray(templates)) return null;
    type BlockRender = (superBlock: unknown, emitter: Emitter) => unknown;
    const blockRender = (ctx: Ctx): BlockRender => {
      const renderChild = (ctx.getRegister('blocks', {}) as Record<string, unknown>)[block] as BlockRender | undefined;
      const renderCurrent: BlockRender = (superBlock, emitter) => {
        const stack = ctx.getRegister('blockStack', []) as unknown[];
        if (stack.includes(node)) throw new Error('block tag cannot be nested');
        stack.push(node);
        const scope: Record<string, unknown> = Object.create(null);
        scope.block = superBlock;
        ctx.push(scope);
        renderList(templates, ctx, emitter);
        ctx.pop();
        stack.pop();
      };
      return renderChild ? (superBlock, emitter) => renderChild(new BlockDrop((e) => renderCurrent(superBlock, e)), emitter) : renderCurrent;
    };
    return (ctx, emitter) => {
      const render = blockRender(ctx);
      if (ctx.getRegister('blockMode') === BLOCK_STORE) (ctx.getRegister('blocks', {}) as Record<string, unknown>)[block] = render;
      else settle(render(new BlockDrop(), emitter));
    };
  }

  function fastFor(node: InstanceType<typeof ForTag>): Renderer | null {
    if (o.orderedFilterParameters) return null;
    const collection = operand(node.collection);
    const hash = (node.hash as unknown as { hash?: Record<string, unknown> }).hash;
    if (!collection || !hash || typeof node.variable !== 'string') return null;
    const modifiers: Partial<Record<'limit' | 'offset' | 'reversed', Getter>> = {};
    for (const [key, token] of Object.entries(hash)) {
      if (key !== 'limit' && key !== 'offset' && key !== 'reversed') return null;
      if (token === undefined) {
        modifiers[key] = () => true;
        continue;
      }
      // `offset: continue` reads a scope LiquidJS pushes only for the modifiers: leave it to LiquidJS.
      const text = (token as { getText?: () => string }).getText?.() ?? '';
      if (/^continue\b/.test(text)) return null;
      const get = operand(token);
      if (!get) return null;
      modifiers[key] = get;
    }
    const variable = node.variable;
    const text = (node.collection as { getText?: () => string }).getText?.() ?? '';
    const continueKey = `continue-${variable}-${text}`;
    const body = node.templates;
    const otherwise = node.elseTemplates;
    return (ctx, emitter) => {
      let items = enumerable(collection(ctx));
      if (!items.length) {
        renderList(otherwise, ctx, emitter);
        return;
      }
      const offset = modifiers.offset?.(ctx);
      const limit = modifiers.limit?.(ctx);
      // LiquidJS applies them in this order (offset, limit, reversed) when they are given.
      if (offset !== undefined) items = items.slice(offset as number);
      if (limit !== undefined) items = items.slice(0, limit as number);
      if (modifiers.reversed?.(ctx) !== undefined) items = [...items].reverse();
      ctx.setRegister(continueKey, ((offset as number) || 0) + items.length);
      const forloop = new ForloopDrop(items.length, text, variable);
      const scope: Record<string, unknown> = Object.create(null);
      scope.forloop = forloop;
      ctx.push(scope);
      for (const item of items) {
        scope[variable] = item;
        ctx.continueCalled = ctx.breakCalled = false;
        renderList(body, ctx, emitter);
        if (ctx.breakCalled) break;
        forloop.next();
      }
      ctx.continueCalled = ctx.breakCalled = false;
      ctx.pop();
    };
  }
}

// Nodes already given a fast path (a partial parsed once is shared by every page).
const FAST = new WeakSet<object>();

/** Render.renderTemplates without a generator per list: same order, same break/continue, same errors. */
function syncRenderList(liquid: Liquid): (templates: Template[], ctx: Ctx, emitter?: Emitter) => string {
  const renderer = liquid.renderer as unknown as { renderTemplates: unknown; __gazetteSync?: (t: Template[], c: Ctx, e?: Emitter) => string };
  if (renderer.__gazetteSync) return renderer.__gazetteSync;
  const list = (templates: Template[], ctx: Ctx, emitter?: Emitter): string => {
    const out = emitter ?? new BufferEmitter();
    for (const tpl of templates) {
      try {
        const html = settle(tpl.render(ctx as unknown as Context, out));
        if (html) out.write(html);
        if (ctx.breakCalled || ctx.continueCalled) break;
      } catch (e) {
        throw LiquidError.is(e) ? e : new RenderError(e as Error, tpl);
      }
    }
    return (out as BufferEmitter).buffer;
  };
  renderer.renderTemplates = list;
  renderer.__gazetteSync = list;
  return list;
}

/** LiquidJS's SimpleEmitter. */
class BufferEmitter implements Emitter {
  buffer = '';
  write(html: unknown): void {
    this.buffer += stringify(html);
  }
}

/** LiquidJS's stringify: Drops by their value, null and undefined as nothing. */
function stringify(value: unknown): string {
  const v = toValue(value);
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  return Array.isArray(v) ? v.map(stringify).join('') : String(v);
}
