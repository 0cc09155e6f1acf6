import { describe, expect, it as test } from 'vitest';
import { en } from './en';
import { it } from './it';
import { translate, translatePlural } from './translate';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('i18n catalogues', () => {
  test('en has exactly the keys of it', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(it).sort());
  });

  test('no message is empty', () => {
    for (const [locale, catalogue] of Object.entries({ it, en })) {
      for (const [key, value] of Object.entries(catalogue)) {
        expect(value.trim(), `${locale}: ${key}`).not.toBe('');
      }
    }
  });

  test('both languages use the same placeholders', () => {
    for (const key of Object.keys(it) as (keyof typeof it)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(it[key]));
    }
  });

  test('plural bases have both forms', () => {
    const bases = new Set(Object.keys(it).filter((key) => key.endsWith('.one')).map((key) => key.slice(0, -4)));
    for (const base of bases) expect(Object.hasOwn(it, `${base}.other`), base).toBe(true);
  });
});

describe('translate', () => {
  test('fills placeholders and formats numbers for the locale', () => {
    expect(translatePlural('it', 'employees.count', 927)).toBe('927 dipendenti');
    expect(translatePlural('it', 'employees.count', 1)).toBe('1 dipendente');
    expect(translatePlural('en', 'employees.count', 1234)).toBe('1,234 employees');
    expect(translate('it', 'pagination.status', { page: 3, pageCount: 38 })).toBe('Pagina 3 di 38');
  });

  test('leaves a missing parameter visible', () => {
    expect(translate('en', 'pagination.status', { page: 1 })).toBe('Page 1 of {pageCount}');
  });
});
