"""The dependency graph of a run: validation and a topological order.

A run's jobs and their dependencies form a directed graph, with an edge from
each job to every job it depends on. The scheduler can only run it if it is
acyclic (a DAG): in a cycle, no job can ever start. Checking that before
anything runs turns "the run hangs forever" into a clear error.
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
    CycleError (a ValueError) naming the jobs of a cycle when there is one:
    CycleError(["extract", "transform", "load"]) when extract depends on
    transform, transform on load, and load on extract.

    Example: {"load": ["transform"], "transform": ["extract"], "extract": []}
    gives ["extract", "transform", "load"].
    """
    # TODO: Kahn's algorithm. Count each job's unmet dependencies; repeatedly
    #       take the job given first among those with none left, and
    #       decrement the count of the jobs that depend on it.
    # TODO: if some jobs are never taken, there is a cycle among them: find
    #       it (follow dependencies from one of them until you come back to a
    #       job already on your path) and raise CycleError(that path).
    return list(dependencies)
