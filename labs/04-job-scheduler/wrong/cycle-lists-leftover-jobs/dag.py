"""Wrong: when Kahn's algorithm leaves jobs over, all of them are reported as the cycle.

Jobs that only depend on a cycle are left over too, without being part of it:
with extract -> load -> transform -> extract and a report job that depends on
load, the error names report as well, and sends the learner looking for a loop
through a job that has none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class CycleError(ValueError):
    """The jobs depend on each other in a circle; `cycle` names them in order."""

    def __init__(self, cycle: Sequence[str]) -> None:
        self.cycle = list(cycle)
        path = " -> ".join([*self.cycle, self.cycle[0]])
        super().__init__(f"dependency cycle: {path} (each job depends on the next)")


def topological_order(dependencies: Mapping[str, Sequence[str]]) -> list[str]:
    """Every job name, each after all the jobs it depends on.

    `dependencies` maps each job name to the names of the jobs it depends on,
    in the order the jobs were given. Among jobs that could come next, the one
    given first comes first, so the order is deterministic.

    Raises ValueError when a job depends on a name that is not a job, and
    CycleError (a ValueError) naming the jobs of a cycle when there is one.
    """
    for name, deps in dependencies.items():
        for dep in deps:
            if dep not in dependencies:
                raise ValueError(f'job "{name}" depends on "{dep}", which is not a job')

    position = {name: index for index, name in enumerate(dependencies)}
    waiting_on = {name: len(set(deps)) for name, deps in dependencies.items()}
    dependents: dict[str, list[str]] = {name: [] for name in dependencies}
    for name, deps in dependencies.items():
        for dep in set(deps):
            dependents[dep].append(name)

    # Kahn's algorithm; the frontier is kept sorted by position so that ties
    # go to the job given first. Sorting a small list each round is simpler
    # than a heap and fast enough for the few hundred jobs of a run.
    frontier = [name for name, count in waiting_on.items() if count == 0]
    order: list[str] = []
    while frontier:
        frontier.sort(key=position.__getitem__)
        name = frontier.pop(0)
        order.append(name)
        for dependent in dependents[name]:
            waiting_on[dependent] -= 1
            if waiting_on[dependent] == 0:
                frontier.append(dependent)

    if len(order) < len(dependencies):
        # Every job Kahn's algorithm could not take "is in the cycle".
        raise CycleError([name for name in dependencies if waiting_on[name] > 0])
    return order
