// Patrol: plans that put patrol minutes where expected harm is, in the hours it happens.
//
//   RiskTable        ─ risk per cell and hour of week from past incidents (decay, smoothing, hot-spot and
//                      near-repeat lifts)
//   PatrolRules      ─ the dosage model: what a visit of a cell at an hour is worth; travel times
//   PatrolInstance   ─ units, shifts and rules, validated (`PatrolError` names what cannot be planned)
//   PatrolPlanner    ─ routes per unit and shift by iterated local search (Vansteenwegen et al. 2009)
//   ExactPlanner     ─ the optimum of tiny instances by enumeration (the reference in tests)
//   Baselines        ─ top-N by count, risk-proportional and random plans under the same rules
//   Beats            ─ contiguous beats of balanced workload, one per unit
//
// Times are minutes from Monday 00:00 of the planned week (hour of week 0); positions are projected metres.
