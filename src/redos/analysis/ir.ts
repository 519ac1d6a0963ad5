/**
 * Lowers the regexpp AST into a small IR for automaton construction. Every character-consuming
 * element becomes a character set with the flags applied (case closure for i, dot for s, code
 * points for u/v). What the automaton cannot express exactly is over-approximated and recorded in
 * `approximations` (lookarounds become "always true", backreferences a copy of the group's
 * language): the automaton may then see ambiguity V8 does not have, never the reverse, and the V8
 * proof filters out the difference.
 */
import { RegExpParser, type AST } from '@eslint-community/regexpp';
import * as cs from './charset.ts';
import type { CharSet } from './charset.ts';

export type AssertKind = 'start' | 'end' | 'word' | 'nonword' | 'look' | 'ahead' | 'behind';

export type IR =
  | { t: 'set'; set: CharSet }
  | { t: 'seq'; items: IR[] }
  | { t: 'alt'; alts: IR[] }
  | { t: 'rep'; min: number; max: number; body: IR; src: [number, number] }
  | {
      t: 'assert';
      kind: AssertKind;
      multiline: boolean;
      /** `ahead`/`behind` (single-character lookarounds): the allowed next/previous characters. */
      set?: CharSet;
      /** `ahead`/`behind`: the end/start of input is allowed too. */
      edge?: boolean;
    }
  | { t: 'empty' };

export interface Lowered {
  ir: IR;
  unicode: boolean;
  /** Largest character of the alphabet. */
  max: number;
  /** The y flag: the match is tried at lastIndex only. */
  sticky: boolean;
  global: boolean;
  approximations: string[];
  /** Character sets the previous character is tested against (search-state split). */
  contextSets: CharSet[];
  /** The pattern has a lazy quantifier (a match found at the end of input comes last). */
  lazy: boolean;
  /** The pattern has a counted repetition allowing 10 or more iterations (finite ambiguity check). */
  largeCount: boolean;
  /** Number of IR nodes produced (a size measure for budgets). */
  size: number;
}

interface Mode {
  ignoreCase: boolean;
  dotAll: boolean;
  multiline: boolean;
}

export class IrBudgetError extends Error {}

export function parseRegExp(pattern: string, flags: string): AST.Pattern {
  const unicode = flags.includes('u');
  const unicodeSets = flags.includes('v');
  return new RegExpParser({ ecmaVersion: 2025 }).parsePattern(pattern, 0, pattern.length, { unicode, unicodeSets });
}

export function lower(pattern: AST.Pattern, flags: string, maxNodes: number): Lowered {
  const unicode = flags.includes('u') || flags.includes('v');
  const max = unicode ? cs.MAX_UNICODE : cs.MAX_BMP;
  const approximations = new Set<string>();
  let size = 0;
  let lazy = false;
  let largeCount = false;
  const contextSets = new Map<string, CharSet>();
  const addContext = (set: CharSet): void => {
    contextSets.set(cs.key(set), set);
  };
  const groupStack = new Set<AST.CapturingGroup>();

  const bump = (): void => {
    if (++size > maxNodes) throw new IrBudgetError(`pattern lowers to more than ${maxNodes} nodes`);
  };

  const fold = (set: CharSet, mode: Mode): CharSet => (mode.ignoreCase ? cs.caseClose(set, unicode) : set);

  const escapeSet = (node: AST.EscapeCharacterSet, mode: Mode): CharSet => {
    let s: CharSet;
    if (node.kind === 'digit') s = cs.DIGIT;
    else if (node.kind === 'space') s = cs.SPACE;
    else s = mode.ignoreCase && unicode ? cs.WORD_UNICODE_IGNORE_CASE : cs.WORD;
    return node.negate ? cs.complement(s, max) : s;
  };

  const propertySet = (node: AST.UnicodePropertyCharacterSet, mode: Mode): CharSet => {
    if (node.strings) {
      approximations.add('property of strings treated as any character');
      return [0, max];
    }
    const s = cs.unicodeProperty(node.key, node.value);
    if (!s) {
      approximations.add(`unknown property ${node.key} treated as any character`);
      return [0, max];
    }
    const folded = fold(s, mode);
    return node.negate ? cs.complement(folded, max) : folded;
  };

  /** A class element as a set plus, under v, extra strings (\q{..}) of length != 1. */
  const classOperand = (
    node: AST.CharacterClassElement | AST.ClassSetOperand | AST.ClassIntersection | AST.ClassSubtraction,
    mode: Mode,
  ): { set: CharSet; strings: number[][] } => {
    switch (node.type) {
      case 'Character':
        return { set: fold(cs.single(node.value), mode), strings: [] };
      case 'CharacterClassRange':
        return { set: fold(cs.range(node.min.value, node.max.value), mode), strings: [] };
      case 'CharacterSet':
        if (node.kind === 'property') return { set: propertySet(node, mode), strings: [] };
        return { set: escapeSet(node, mode), strings: [] };
      case 'ClassStringDisjunction': {
        let set: CharSet = cs.EMPTY;
        const strings: number[][] = [];
        for (const alt of node.alternatives) {
          if (alt.elements.length === 1) set = cs.union(set, fold(cs.single(alt.elements[0]!.value), mode));
          else strings.push(alt.elements.map((e) => e.value));
        }
        return { set, strings };
      }
      case 'CharacterClass':
      case 'ExpressionCharacterClass':
        return classSet(node, mode);
      case 'ClassIntersection': {
        const l = classOperand(node.left, mode);
        const r = classOperand(node.right, mode);
        const strings = l.strings.filter((s) => r.strings.some((t) => t.join() === s.join()));
        return { set: cs.intersect(l.set, r.set), strings };
      }
      case 'ClassSubtraction': {
        const l = classOperand(node.left, mode);
        const r = classOperand(node.right, mode);
        const strings = l.strings.filter((s) => !r.strings.some((t) => t.join() === s.join()));
        return { set: cs.subtract(l.set, r.set, max), strings };
      }
    }
  };

  const classSet = (node: AST.CharacterClass | AST.ExpressionCharacterClass, mode: Mode): { set: CharSet; strings: number[][] } => {
    let set: CharSet = cs.EMPTY;
    const strings: number[][] = [];
    if (node.type === 'ExpressionCharacterClass') {
      const r = classOperand(node.expression, mode);
      set = r.set;
      strings.push(...r.strings);
    } else {
      const pairs: [number, number][] = [];
      for (const el of node.elements) {
        if (el.type === 'Character') pairs.push([el.value, el.value]);
        else if (el.type === 'CharacterClassRange') pairs.push([el.min.value, el.max.value]);
        else {
          const r = classOperand(el, mode);
          for (let i = 0; i < r.set.length; i += 2) pairs.push([r.set[i]!, r.set[i + 1]!]);
          strings.push(...r.strings);
        }
      }
      set = fold(cs.fromRanges(pairs), mode);
    }
    if (node.negate) set = cs.complement(set, max);
    return { set, strings };
  };

  const seqOf = (raw: IR[]): IR => {
    // A one-character lookahead right before a character narrows that character
    // (`(?!\{).` is `[^{]` with the newline rule of `.`): exact, and no guard left to approximate.
    const items: IR[] = [];
    for (let i = 0; i < raw.length; i++) {
      const cur = raw[i]!;
      const next = raw[i + 1];
      if (cur.t === 'assert' && cur.kind === 'ahead' && cur.set && next?.t === 'set') {
        raw[i + 1] = { t: 'set', set: cs.intersect(next.set, cur.set) };
        continue;
      }
      items.push(cur);
    }
    return items.length === 1 ? items[0]! : items.length === 0 ? { t: 'empty' } : { t: 'seq', items };
  };

  const alternatives = (alts: AST.Alternative[], mode: Mode): IR => {
    const lowered = alts.map((a) => seqOf(a.elements.map((e) => element(e, mode))));
    if (lowered.length === 1) return lowered[0]!;
    // Merge single-set alternatives whose sets are pairwise disjoint into one set: same language,
    // same ambiguity, far fewer automaton states for `(?:a|b|c|...)`.
    const sets: CharSet[] = [];
    const rest: IR[] = [];
    let merged: CharSet = cs.EMPTY;
    let disjoint = true;
    for (const l of lowered) {
      if (l.t === 'set') {
        if (cs.intersects(merged, l.set)) disjoint = false;
        merged = cs.union(merged, l.set);
        sets.push(l.set);
      } else rest.push(l);
    }
    if (disjoint && sets.length > 1) {
      return { t: 'alt', alts: [{ t: 'set', set: merged }, ...rest] };
    }
    return { t: 'alt', alts: lowered };
  };

  const modeOf = (group: AST.Group, mode: Mode): Mode => {
    const m = group.modifiers;
    if (!m) return mode;
    const next = { ...mode };
    if (m.add.ignoreCase) next.ignoreCase = true;
    if (m.add.dotAll) next.dotAll = true;
    if (m.add.multiline) next.multiline = true;
    if (m.remove?.ignoreCase) next.ignoreCase = false;
    if (m.remove?.dotAll) next.dotAll = false;
    if (m.remove?.multiline) next.multiline = false;
    return next;
  };

  /**
   * The character set of a lookaround body that is one character (class, escape, literal), or
   * `$` alone (lookahead: the end of input, `edge`); undefined otherwise.
   */
  const singleCharacter = (alts: AST.Alternative[], mode: Mode): { set: CharSet; edge: boolean } | undefined => {
    // each alternative is one character or `$`: the union (`(?!\n|$)`)
    let set: CharSet = cs.EMPTY;
    let edge = false;
    for (const alt of alts) {
      if (alt.elements.length !== 1) return undefined;
      const el = alt.elements[0]!;
      if (el.type === 'Assertion' && el.kind === 'end' && !mode.multiline) {
        edge = true;
        continue;
      }
      if (el.type !== 'Character' && el.type !== 'CharacterSet' && el.type !== 'CharacterClass') return undefined;
      if (el.type === 'CharacterSet' && el.kind === 'property' && el.strings) return undefined;
      if (el.type === 'CharacterClass' && el.unicodeSets) {
        const r = classSet(el, mode);
        if (r.strings.length) return undefined;
        set = cs.union(set, r.set);
        continue;
      }
      const ir = element(el, mode);
      if (ir.t !== 'set') return undefined;
      set = cs.union(set, ir.set);
    }
    return { set, edge };
  };

  const element = (node: AST.Element, mode: Mode): IR => {
    bump();
    switch (node.type) {
      case 'Character':
        return { t: 'set', set: fold(cs.single(node.value), mode) };
      case 'CharacterSet':
        if (node.kind === 'any') {
          return { t: 'set', set: mode.dotAll ? [0, max] : cs.complement(cs.LINE_TERMINATOR, max) };
        }
        if (node.kind === 'property') {
          if (node.strings) approximations.add('property of strings treated as any character');
          return { t: 'set', set: propertySet(node, mode) };
        }
        return { t: 'set', set: escapeSet(node, mode) };
      case 'CharacterClass':
      case 'ExpressionCharacterClass': {
        const { set, strings } = classSet(node, mode);
        if (!strings.length) return { t: 'set', set };
        const alts: IR[] = [{ t: 'set', set }];
        for (const s of strings) alts.push(seqOf(s.map((c) => ({ t: 'set', set: fold(cs.single(c), mode) }))));
        return { t: 'alt', alts };
      }
      case 'Group':
        return alternatives(node.alternatives, modeOf(node, mode));
      case 'CapturingGroup':
        groupStack.add(node);
        try {
          return alternatives(node.alternatives, mode);
        } finally {
          groupStack.delete(node);
        }
      case 'Quantifier':
        if (!node.greedy && node.min !== node.max) lazy = true;
        if (node.max !== Infinity && node.max >= 10) largeCount = true;
        return { t: 'rep', min: node.min, max: node.max, body: element(node.element, mode), src: [node.start, node.end] };
      case 'Assertion':
        if (node.kind === 'start' && mode.multiline) addContext(cs.LINE_TERMINATOR);
        if (node.kind === 'start' || node.kind === 'end') return { t: 'assert', kind: node.kind, multiline: mode.multiline };
        if (node.kind === 'word') {
          addContext(cs.WORD);
          return { t: 'assert', kind: node.negate ? 'nonword' : 'word', multiline: false };
        }
        {
          // a lookaround of one character (or of `$`) is an exact guard on the neighbour
          const look = node as AST.LookaroundAssertion;
          const single = singleCharacter(look.alternatives, mode);
          if (single) {
            if (look.kind === 'lookahead') {
              const set = look.negate ? cs.complement(single.set, max) : single.set;
              return { t: 'assert', kind: 'ahead', multiline: false, set, edge: look.negate !== single.edge };
            }
            if (!single.edge) {
              const set = look.negate ? cs.complement(single.set, max) : single.set;
              addContext(single.set);
              return { t: 'assert', kind: 'behind', multiline: false, set, edge: look.negate };
            }
          }
        }
        approximations.add(`${node.kind} treated as always true`);
        if (node.kind === 'lookahead') {
          // The lookahead is assumed to pass, but the work V8 spends running its body is kept:
          // a side branch through the body that ends in a dead state (reads nothing). It lets the
          // search see loops inside lookaheads (marked's `(?=...[\w.]+@)` scan) without
          // letting their success end the match.
          const body = alternatives(node.alternatives, mode);
          return { t: 'alt', alts: [{ t: 'assert', kind: 'look', multiline: false }, { t: 'seq', items: [body, { t: 'set', set: cs.EMPTY }] }] };
        }
        return { t: 'assert', kind: 'look', multiline: false };
      case 'Backreference': {
        approximations.add('backreference treated as any string its group matches');
        const groups = Array.isArray(node.resolved) ? node.resolved : [node.resolved];
        const alts: IR[] = [{ t: 'empty' }];
        for (const g of groups) {
          // A reference inside its own group (or forward) matches the empty string.
          if (groupStack.has(g) || g.start > node.start) continue;
          alts.push(alternatives(g.alternatives, mode));
        }
        return alts.length === 1 ? { t: 'empty' } : { t: 'alt', alts };
      }
    }
  };

  const mode: Mode = { ignoreCase: flags.includes('i'), dotAll: flags.includes('s'), multiline: flags.includes('m') };
  const ir = alternatives(pattern.alternatives, mode);
  return {
    ir,
    unicode,
    max,
    sticky: flags.includes('y'),
    global: flags.includes('g'),
    approximations: [...approximations],
    lazy,
    largeCount,
    contextSets: [...contextSets.values()],
    size,
  };
}
