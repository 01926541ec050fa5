/**
 * rolld.yml → immutable, validated records.
 *
 * <p>The one entry point is {@link io.rolld.config.ConfigLoader#load(java.nio.file.Path)}. It
 * either returns a complete {@link io.rolld.config.Config} or throws a
 * {@link io.rolld.config.ConfigException} whose message reads {@code FILE:LINE:COLUMN: PROBLEM}
 * and names the key and the offending value. Contract:
 * <ul>
 *   <li>Everything is checked at load time, before anything starts: YAML syntax, unknown keys,
 *       types, ranges, port uniqueness across the whole file, that directories exist, that
 *       templates exist and compile as Mustache. Bad values are refused, never replaced.</li>
 *   <li>Loading has no side effects: nothing is spawned, created or written. So a reload on HUP
 *       can load a new {@code Config}, and keep the running one if loading fails.</li>
 *   <li>Paths in the records are absolute, resolved against the directory of rolld.yml, except
 *       {@code stdout}/{@code stderr}, which are templates kept as written and resolved against
 *       the group's directory when a worker is spawned. {@link io.rolld.config.Config#file()} is
 *       absolute too, so the daemon can re-read it whatever its working directory.</li>
 *   <li>{@code cmd} is known to split into at least one word with
 *       {@link io.rolld.config.ShellWords#split(String)}; the process package uses the same
 *       method to build argv after {@link io.rolld.config.Placeholders#expand(String, int)}.</li>
 *   <li>Every duration in the records is greater than zero; every group has at least two
 *       non-empty worksets and no port appears twice in the file.</li>
 * </ul>
 *
 * <p>The original Python rolld format is accepted unchanged: {@code check_all_http_ports: numprocs},
 * {@code replace_file: [numprocs, TEMPLATE, TARGET]} and {@code run_proc} as a string or a
 * one-element list.
 */
package io.rolld.config;
