package io.rolld.config;

import java.nio.file.Path;

/** An {@code after_start} action: how a group switches its front to the new workset. */
public sealed interface Hook {

    /** Render a Mustache {@code template} into {@code target} (both absolute). */
    record ReplaceFile(Path template, Path target) implements Hook {
    }

    /** Run {@code command} through {@code /bin/sh -c} in the directory of rolld.yml. */
    record RunProc(String command) implements Hook {
    }
}
