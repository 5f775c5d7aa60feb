import { describe, expect, it } from 'vitest';
import { History } from '../../src/history';

describe('History', () => {
  it('undoes and redoes snapshots in order', () => {
    const h = new History('a');
    h.push('b', undefined, 0);
    h.push('c', undefined, 10_000);
    expect(h.present).toBe('c');
    expect(h.undo()).toBe('b');
    expect(h.undo()).toBe('a');
    expect(h.undo()).toBeUndefined();
    expect(h.canUndo).toBe(false);
    expect(h.redo()).toBe('b');
    expect(h.redo()).toBe('c');
    expect(h.canRedo).toBe(false);
  });

  it('merges quick edits of the same field into one step', () => {
    const h = new History('', 200, 1000);
    h.push('H', 'name', 0);
    h.push('He', 'name', 300);
    h.push('Hel', 'name', 600);
    expect(h.present).toBe('Hel');
    expect(h.undo()).toBe('');
    expect(h.canUndo).toBe(false);
  });

  it('does not merge different fields or slow edits', () => {
    const h = new History('0', 200, 1000);
    h.push('1', 'name', 0);
    h.push('2', 'role', 100);
    h.push('3', 'role', 5000);
    expect(h.undo()).toBe('2');
    expect(h.undo()).toBe('1');
    expect(h.undo()).toBe('0');
  });

  it('drops the redo branch on a new edit and keeps at most `limit` steps', () => {
    const h = new History(0, 3);
    for (let i = 1; i <= 5; i++) h.push(i, undefined, i * 10_000);
    expect(h.undo()).toBe(4);
    h.push(9, undefined, 1e9);
    expect(h.canRedo).toBe(false);
    expect(h.undo()).toBe(4);
    expect(h.undo()).toBe(3);
    expect(h.undo()).toBe(2);
    expect(h.undo()).toBeUndefined();
  });
});
