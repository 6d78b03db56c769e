import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type Tree = { [key: string]: string | Tree };
const load = (lang: string) => JSON.parse(readFileSync(new URL(`../../src-renderer/i18n/${lang}.json`, import.meta.url), 'utf8')) as Tree;
const keys = (tree: Tree, prefix = ''): string[] =>
  Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`)));
const placeholders = (tree: Tree) =>
  new Map(
    keys(tree).map((k) => [
      k,
      (k.split('.').reduce<string | Tree>((t, p) => (t as Tree)[p] as string | Tree, tree) as string)
        .match(/{{\w+}}/g)
        ?.sort()
        .join() ?? '',
    ]),
  );

describe('UI texts', () => {
  it('English has exactly the Danish keys, with the same placeholders', () => {
    const da = load('da');
    const en = load('en');
    expect(keys(en).sort()).toEqual(keys(da).sort());
    const daHoles = placeholders(da);
    for (const [key, holes] of placeholders(en)) expect([key, holes]).toEqual([key, daHoles.get(key)]);
  });
});
