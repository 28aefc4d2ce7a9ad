"""Queue a task once the surrounding transaction commits, through the job ledger
(architecture.md "Background work"). `salesops.ledger.enqueue` names the job's kind and scope;
this shorthand keys it by the task and its arguments."""

import hashlib
import json

from salesops import ledger


def on_commit(task, **kwargs) -> None:
    scope = json.dumps(kwargs, sort_keys=True, default=str)
    if len(scope) > 120:
        scope = hashlib.sha256(scope.encode()).hexdigest()
    ledger.enqueue(task.name, scope, task, **kwargs)
