// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per package/file, so a
// profile can be read without DevTools.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

/** node_modules/<pkg> or the project file a frame belongs to; "(node)" for built-ins, "(v8)" for the rest. */
export function ownerOf(url: string): string {
  if (!url) return '(v8)';
  if (url.startsWith('node:')) return '(node)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  const project = /\/(broker|services|bench|test|scripts|migrations)\/(.*)$/.exec(url);
  return project ? `${project[1]}/${project[2]}` : url;
}

/** Self time of every node, from the samples and their time deltas (µs). */
function selfTimes(profile: CpuProfile): Map<number, number> {
  const times = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    // The delta before sample i+1 is the time spent in sample i.
    const us = deltas[i + 1] ?? 0;
    times.set(samples[i]!, (times.get(samples[i]!) ?? 0) + us);
  }
  return times;
}

export function summarise(profile: CpuProfile, key: (node: ProfileNode) => string, top = 25): SelfTime[] {
  const times = selfTimes(profile);
  const totals = new Map<string, number>();
  let all = 0;
  for (const node of profile.nodes) {
    const us = times.get(node.id) ?? 0;
    all += us;
    const name = key(node);
    totals.set(name, (totals.get(name) ?? 0) + us);
  }
  return [...totals.entries()]
    .map(([name, us]) => ({ name, ms: us / 1000, share: all > 0 ? us / all : 0 }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
}

export const byFunction = (node: ProfileNode) =>
  `${node.callFrame.functionName || '(anonymous)'} ${ownerOf(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
export const byOwner = (node: ProfileNode) => (node.callFrame.url ? ownerOf(node.callFrame.url) : node.callFrame.functionName || '(v8)');
