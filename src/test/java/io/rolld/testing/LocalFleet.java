package io.rolld.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three local hosts of {@code example/fleet/hosts.local.yml}, on free ports, in a scratch
 * directory: the files come from {@code local-hosts.yml --tags files} (release {@code v1}), and
 * each host's nginx and rolld are started by the {@link Nginx} and {@link Rolld} fixtures (so the
 * test owns their pids). rolld logs JSON, whose {@code time} field dates every event.
 * {@link #close} stops every rolld and nginx by pid.
 */
public final class LocalFleet implements AutoCloseable {
    public static final List<String> HOSTS = List.of("web1", "web2", "web3");
    public static final String FIRST_RELEASE = "v1";
    private static final int PORTS_PER_HOST = 10;
    private static final Duration READY = Duration.ofSeconds(90);
    private static final Duration PLAY = Duration.ofMinutes(6);

    private final Path root;
    private final int basePort;
    private final Map<String, Nginx> fronts = new LinkedHashMap<>();
    private final Map<String, Rolld> daemons = new LinkedHashMap<>();

    private LocalFleet(Path root, int basePort) {
        this.root = root;
        this.basePort = basePort;
    }

    public static LocalFleet start(String name) {
        List<Integer> ports = FreePorts.consecutive(PORTS_PER_HOST * HOSTS.size());
        if (ports.getLast() - ports.getFirst() != ports.size() - 1) {
            throw new AssertionError("found no run of " + ports.size() + " free consecutive ports: " + ports);
        }
        LocalFleet fleet = new LocalFleet(Project.scratch("fleet").resolve(name + "-" + System.nanoTime()), ports.getFirst());
        try {
            Ansible.Run files = fleet.play("local-hosts.yml", "--tags", "files", "-e", "release=" + FIRST_RELEASE);
            if (files.exitCode() != 0) {
                throw new AssertionError("local-hosts.yml --tags files failed: " + files);
            }
            for (String host : HOSTS) {
                Path prefix = fleet.home(host).resolve("nginx");
                fleet.fronts.put(host, Nginx.inPrefix(prefix, prefix.resolve("upstream.conf"), fleet.nginxPort(host)).start());
                fleet.daemons.put(host, Rolld.start(fleet.home(host).resolve("rolld.yml"), "--log-format", "json"));
            }
            fleet.daemons.values().forEach(r -> r.awaitLine("\"event\":\"ready\"", READY));
            return fleet;
        } catch (RuntimeException | Error e) {
            fleet.close();
            throw e;
        }
    }

    /** Runs {@code example/fleet/PLAYBOOK} against hosts.local.yml on this fleet's directory and ports. */
    public Ansible.Run play(String playbook, String... args) {
        List<String> command = new ArrayList<>(List.of("-i", fleetFile("hosts.local.yml").toString(),
                fleetFile(playbook).toString(), "-e", "fleet_root=" + root, "-e", "fleet_base_port=" + basePort,
                "-e", "nginx_bin=" + Nginx.binary()));
        command.addAll(List.of(args));
        return Ansible.playbook(playbook.replace(".yml", ""), PLAY, command);
    }

    /** The host's directory ({@code rolld_home}): rolld.yml, releases/, nginx/, logs/. */
    public Path home(String host) {
        return root.resolve(host);
    }

    /** Where the play finds its files and writes nothing: {@code example/fleet}. */
    public static Path fleetFile(String name) {
        return Project.example().resolve("fleet").resolve(name);
    }

    /** As hosts.local.yml computes it: fleet_base_port + 10 * host index. */
    public int nginxPort(String host) {
        return basePort + PORTS_PER_HOST * HOSTS.indexOf(host);
    }

    public Rolld rolld(String host) {
        return daemons.get(host);
    }

    /** The release that answers through the host's nginx ({@code APP_RELEASE} of the serving worker). */
    public String servedRelease(String host) {
        return new WebClient(nginxPort(host)).body("/env/APP_RELEASE").strip();
    }

    @Override
    public void close() {
        List<Throwable> failures = new ArrayList<>();
        for (Rolld rolld : daemons.values()) {
            try {
                rolld.close();
            } catch (RuntimeException | Error e) {
                failures.add(e);
            }
        }
        fronts.values().forEach(Nginx::close);
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("a local host did not stop cleanly", failures.getFirst());
            failures.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
    }
}
