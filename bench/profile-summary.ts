// node --import tsx bench/profile-summary.ts <file.cpuprofile> [--top 25]
// Self time by package/file and by function of a profile written by `npm run bench -- --cpu-prof dds`.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { byFunction, byOwner, summarise, type CpuProfile } from './src/cpu-profile.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
if (positionals.length === 0) {
  console.error('usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [--top 25]');
  process.exit(2);
}
for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  console.log(`\n${file}: ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s profiled`);
  for (const [title, key] of [
    ['by package / file', byOwner],
    ['by function', byFunction],
  ] as const) {
    console.log(`\n  self time ${title}:`);
    for (const row of summarise(profile, key, Number(values.top))) {
      console.log(`  ${(row.share * 100).toFixed(1).padStart(5)} %  ${row.ms.toFixed(0).padStart(7)} ms  ${row.name}`);
    }
  }
}
