/**
 * Everything rolld asks of the operating system beyond what the JDK offers: the only package that
 * imports {@code java.lang.foreign} or reads {@code /proc}.
 *
 * <ul>
 *   <li>FFM bindings, one class per area, each function linked once under its C name with
 *       {@code errno} captured ({@code NativeCalls}): {@link io.rolld.os.PosixSpawn} (posix_spawnp,
 *       how every worker starts; waitpid), {@code PidfdCalls} (pidfd_open, waitid(P_PIDFD), poll),
 *       {@code SocketCalls} (socket, bind, listen, recvmsg...), {@code SignalCalls} (kill, signal),
 *       {@link io.rolld.os.Account} (getpwnam_r, getgrnam_r, getgrouplist). Failures are
 *       {@link io.rolld.os.ErrnoException}.</li>
 *   <li>Processes: {@link io.rolld.os.ProcessWatch} (one thread polls every watched pidfd and reaps
 *       rolld's children exactly), {@link io.rolld.os.ProcessTree} (signal a tree, escalate).</li>
 *   <li>Held sockets, every class named for what it does with them: {@link io.rolld.os.HeldSocket}
 *       (one socket rolld binds and holds), {@link io.rolld.os.HeldSocketSet} (a group's held
 *       sockets, as its workers inherit them), {@link io.rolld.os.HeldSocketHandover} (the ones
 *       systemd's fd store or the image rolld replaced handed over, by name),
 *       {@link io.rolld.os.HeldSocketRecovery} (a copy taken back from a worker, after a crash).
 *       {@link io.rolld.os.NotifySocket} is the other socket: sd_notify readiness.</li>
 *   <li>Processes' environments: {@link io.rolld.os.ProcessEnvironments} (how a restarted rolld finds
 *       the workers its predecessor never recorded).</li>
 *   <li>Signals: {@link io.rolld.os.SignalHandlers} (the only
 *       place that installs handlers), {@link io.rolld.os.ProcessTree} (signal a tree, escalate),
 *       {@link io.rolld.os.ProcessSignaller} (one process rolld did not start, by pid and start time).</li>
 *   <li>{@code /proc} readers, each taking the {@code /proc} root as a {@code Path} so tests feed
 *       fixture files: {@link io.rolld.os.ProcNetTcp}, {@link io.rolld.os.MemoryReader},
 *       {@link io.rolld.os.ResidentMemory}, {@link io.rolld.os.ProcessTable} (who forked whom).</li>
 *   <li>Files and commands: {@link io.rolld.os.AtomicFile}, {@link io.rolld.os.ShellCommand}.</li>
 * </ul>
 *
 * <p>Arrows: {@code cli → daemon → rollout → (process, probe, front, drain) → os → config}. This
 * package knows nothing of groups, rollouts or the daemon; it depends on {@code config} only for
 * the held-socket settings it binds and the signals ({@link io.rolld.config.PosixSignal}).
 */
package io.rolld.os;

