/**
 * rolld's optional HTTP listener ({@code rolld: http:}): Prometheus metrics at {@code /metrics},
 * a status page at {@code /} and the status JSON at {@code /api/status}.
 *
 * <p>It only reads: snapshots the groups publish for status, and {@link io.rolld.web.RolloutHistory},
 * which the rollout event stream feeds without blocking. No handler takes a lock a rollout holds,
 * and a few handler threads at most run at once, so a flood of requests cannot hold up a rollout.
 * Arrows: {@code daemon → web → (rollout, os, config)}.
 */
package io.rolld.web;
