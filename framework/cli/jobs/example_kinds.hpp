// The job kinds `clockwork-jobs work` serves, so that anyone can try a store without writing code
// and tests can kill real worker processes:
//
//   example.sleep             {"ms": N}                  waits N ms (stopped early on a stop)
//   example.fail              {"times": N}               attempts 1..N fail, the next succeeds
//   example.fenced_increment  {"counter": NAME, "ms": N} waits N ms, then in ONE transaction adds 1
//                                                        to the store's counter NAME and completes
//                                                        the job, fenced by its epoch: a worker that
//                                                        lost its lease meanwhile adds nothing
//
// With fenced_increment, "every job's effect exactly once" reads `counter == jobs enqueued` in
// `clockwork-jobs stats --json`. A payload without the fields is refused by the job (a failed
// attempt naming the field), never guessed.
//
// Thread safety: the registry is filled once, read-only afterwards.
#pragma once

#include "clockwork/jobs/job_registry.hpp"

namespace clockwork::cli {

jobs::job_registry example_registry();

}  // namespace clockwork::cli
