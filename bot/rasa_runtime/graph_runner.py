"""Patch 7 (bot/rasa_runtime/patches.py): Rasa's graphs run without dask's scheduler.

`DaskGraphRunner.run` runs for every parse and every prediction of the next action (two or three
a message). Each run it recomputed the minimal schema for its targets, built dask's local
scheduler state for a graph of a dozen nodes, and formatted a debug line whatever the log level:
an f-string holding the inputs and the execution context, which prints the whole graph schema.
Together 7% of the Rasa server's Python time in predictions alone (py-spy `--gil`, 50 buyers).

Here the minimal graph is kept per target list, and the nodes are evaluated depth-first, each
once, by dask's task rule: a tuple whose first item is callable is a call, and its other items
are the names of the nodes whose outputs it takes; anything else (the run's inputs) is a value.
The same results as `dask.get`, and the same exceptions: dask's synchronous scheduler re-raises
the node's own (tests/rasa/test_graph_runner.py runs both on the trained model).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Tuple

# Rasa's own logger, so its debug line appears where it did (when debug logging is on).
logger = logging.getLogger("rasa.engine.runner.dask")

_GRAPHS = "_shop_minimal_graphs"  # attribute on a runner: target names → its graph


def _output(graph: Dict[Text, Any], key: Text, done: Dict[Text, Any]) -> Any:
    if key in done:
        return done[key]
    task = graph[key]
    if isinstance(task, tuple) and task and callable(task[0]):
        arguments = [_output(graph, arg, done) if isinstance(arg, str) and arg in graph else arg for arg in task[1:]]
        value = task[0](*arguments)
    else:
        value = task
    done[key] = value
    return value


def run_graph(self: Any, inputs: Optional[Dict[Text, Any]] = None, targets: Optional[List[Text]] = None) -> Dict[Text, Any]:
    """`DaskGraphRunner.run`, same signature and answer."""
    from rasa.engine.exceptions import GraphRunError

    run_targets = targets if targets else self._graph_schema.target_names
    graphs: Dict[Tuple[Text, ...], Dict[Text, Any]] = self.__dict__.setdefault(_GRAPHS, {})
    key = tuple(run_targets)
    if key not in graphs:
        graphs[key] = self._build_dask_graph(self._graph_schema.minimal_graph_schema(run_targets))
    run = dict(graphs[key])
    if inputs:
        self._add_inputs_to_graph(inputs, run)
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(f"Running graph with inputs: {inputs}, targets: {targets} and {self._execution_context}.")
    done: Dict[Text, Any] = {}
    try:
        return dict(_output(run, target, done) for target in run_targets)
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e
