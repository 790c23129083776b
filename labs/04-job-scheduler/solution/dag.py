"""The dependency graph of a run: validation and a topological order (reference solution).

A run's jobs and their dependencies form a directed graph, with an edge from
each job to every job it depends on. The scheduler can only run it if it is
acyclic (a DAG): a cycle means no job in it can ever start. Checking that
before anything runs turns "the run hangs forever" into a clear error.

Kahn's algorithm gives the order and finds that there is a cycle (some jobs
never reach in-degree 0), but not which jobs form it; a depth-first search
from one of the leftover jobs does, by walking dependencies until it comes
back to a job on its own path.
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
        leftover = [name for name in dependencies if waiting_on[name] > 0]
        raise CycleError(_find_cycle(dependencies, leftover[0]))
    return order


def _find_cycle(dependencies: Mapping[str, Sequence[str]], start: str) -> list[str]:
    """A cycle reachable from `start`, which Kahn's algorithm left over.

    Every leftover job depends, directly or not, on a cycle, so following
    leftover dependencies from it must come back to a job already on the path.
    Iterative, so a long chain cannot overflow Python's recursion limit.
    """
    path: list[str] = []
    on_path: dict[str, int] = {}
    done: set[str] = set()
    stack: list[tuple[str, int]] = [(start, 0)]
    while stack:
        name, next_dep = stack.pop()
        if next_dep == 0:
            on_path[name] = len(path)
            path.append(name)
        deps = dependencies[name]
        if next_dep < len(deps):
            stack.append((name, next_dep + 1))
            dep = deps[next_dep]
            if dep in on_path:
                return path[on_path[dep]:]
            if dep not in done:
                stack.append((dep, 0))
            continue
        done.add(name)
        del on_path[name]
        path.pop()
    raise AssertionError("a leftover job of Kahn's algorithm always reaches a cycle")
