// The drill module loaded into Node, the viral-video drill's texts and recorded play, and
// sessions freed when the test file is done.

import { readFileSync } from 'node:fs';
import { afterAll } from 'vitest';
import { DrillSession, initSync } from '../../pkg/flowdrill_drill.js';
import type { DrillAction } from '../../pkg/flowdrill_drill.js';

/** The drill module's exports (its `memory` among them). */
export const drillModule = initSync({ module: readFileSync(new URL('../../pkg/flowdrill_drill_bg.wasm', import.meta.url)) });

const repo = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
export const workflow = repo('examples/workflows/social-triage.json');
export const scenario = repo('examples/drills/viral-video.json');
export const good = JSON.parse(repo('tests/fixtures/drills/viral-video.good.json')) as DrillAction[];
export const bad = JSON.parse(repo('tests/fixtures/drills/viral-video.bad.json')) as DrillAction[];

const sessions: DrillSession[] = [];
/** A fresh viral-video session, freed after the test file. */
export function session(): DrillSession {
    const s = new DrillSession(workflow, scenario);
    sessions.push(s);
    return s;
}
afterAll(() => sessions.forEach((s) => s.free()));
