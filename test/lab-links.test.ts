// The Lab's link toggling (web/src/links.ts): which links a fault plan has cut at a time,
// and the plan edit that cuts or heals one — checked against the fault-plan parser, since
// the plan language has no per-link heal and healing rewrites the lines that cut the link.

import { describe, expect, it } from 'vitest';
import { cutLinksAt, toggleLink } from '../web/src/links.js';

describe('Lab link toggling', () => {
  it('cuts an open link both ways at t', () => {
    expect(toggleLink('crash 1 @300', 5, 2, 3, 400)).toBe(
      'crash 1 @300; block 2->3 @400; block 3->2 @400',
    );
    expect([...cutLinksAt('block 2->3 @400; block 3->2 @400', 5, 399)]).toEqual([]);
    expect([...cutLinksAt('block 2->3 @400; block 3->2 @400', 5, 400)]).toEqual(['2-3']);
  });

  it('heals a cut link by ending the blocks that cut it', () => {
    const plan = 'crash 1 @300; block 2->3 @400; block 3->2 @400';
    const healed = toggleLink(plan, 5, 3, 2, 900);
    expect(healed).toBe('crash 1 @300; block 2->3 @400..900; block 3->2 @400..900');
    expect([...cutLinksAt(healed, 5, 899)]).toEqual(['2-3']);
    expect([...cutLinksAt(healed, 5, 900)]).toEqual([]);
    // Healed at the instant it was cut: the lines go.
    expect(toggleLink(plan, 5, 2, 3, 400)).toBe('crash 1 @300');
  });

  it('heals one link of a partition and keeps the rest cut', () => {
    const plan = 'partition 1,2|3 @100..2000 # split\ndrop 5%';
    expect([...cutLinksAt(plan, 3, 500)].sort()).toEqual(['1-3', '2-3']);
    const healed = toggleLink(plan, 3, 1, 3, 500);
    expect(healed).toBe(
      'partition 1,2|3 @100..500; block 2->3 @500..2000; block 3->2 @500..2000 # split\ndrop 5%',
    );
    expect([...cutLinksAt(healed, 3, 500)]).toEqual(['2-3']);
    expect([...cutLinksAt(healed, 3, 2000)]).toEqual([]);
  });

  it('follows heal: a link healed by `heal @T` is open after T', () => {
    const plan = 'block 1->2 @0; heal @50';
    expect([...cutLinksAt(plan, 3, 10)]).toEqual(['1-2']);
    expect([...cutLinksAt(plan, 3, 50)]).toEqual([]);
    expect(toggleLink(plan, 3, 1, 2, 60)).toBe(
      'block 1->2 @0; heal @50; block 1->2 @60; block 2->1 @60',
    );
  });
});
