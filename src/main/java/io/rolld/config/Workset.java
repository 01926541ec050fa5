package io.rolld.config;

import java.util.List;

/** One list of ports ({@code numprocs}); a worker is started on each. */
public record Workset(List<Integer> ports) {
    public Workset {
        ports = List.copyOf(ports);
    }
}
