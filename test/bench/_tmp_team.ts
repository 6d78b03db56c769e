import { benchTeam } from './team';
const r = await benchTeam(Number(process.env.N ?? 2), Number(process.env.M ?? 6));
console.log(
  JSON.stringify({ med: r['team.move_propagation_ms_median'].value, p99: r['team.move_propagation_ms_p99'].value, n: r['team.move_propagation_ms_p99'].note }),
);
process.exit(0);
