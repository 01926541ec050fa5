package io.rolld.web;

import io.rolld.rollout.Phase;

/** How long one phase of a rollout took; {@code startMs} counts from the rollout's start. */
public record PhaseTime(Phase phase, long startMs, long durationMs) {
}
