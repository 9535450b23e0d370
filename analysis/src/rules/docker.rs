//! Container builds and registries.
//! Tried in the order listed, after the families before this one (see [`super::RULES`]).

use super::Category::DockerBuild;
use super::Shape::{Line, Section};
use super::{Rule, rule};

pub(super) static RULES: &[Rule] = &[
    rule(
        "docker-pull",
        r"(?i)pull access denied|manifest (for .* )?unknown|repository does not exist or may require 'docker login'|error response from daemon: .*not found",
        DockerBuild,
        0,
        Line,
        "Docker could not pull an image: check its name and tag, and the registry login.",
    ),
    rule(
        // BuildKit's digest of a failed RUN step: ` > [2/4] RUN make:`, then the last lines of its
        // output, framed by `------`. The output itself is the story when no rule knows it.
        "buildkit-step",
        r"^ ?> \[[^\]]+\] RUN .*:$",
        DockerBuild,
        1,
        Section,
        "A Dockerfile RUN step failed: the last lines of its output, shown here, say why.",
    ),
    rule(
        "docker-build",
        r"^ERROR: failed to (solve|build)|failed to solve with frontend|executor failed running|The command '.*' returned a non-zero code|^ERROR \[[^\]]+\]|did not complete successfully: exit code",
        DockerBuild,
        2,
        Line,
        "A Dockerfile step failed: the output of that RUN step, above, says why.",
    ),
];
