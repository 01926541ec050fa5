package io.rolld.config;

/**
 * {@code logs: {max_size: 50MB, keep: 10, compress: true}}: when a log file passes {@code maxSize}
 * bytes it is copied to {@code FILE.1} ({@code FILE.1.gz} when {@code compress}) and truncated in
 * place; older copies shift up and at most {@code keep} are kept ({@code 0}: truncated, no copy).
 */
public record LogRotation(long maxSize, int keep, boolean compress) {
    /** supervisord's {@code logfile_backups} default. */
    public static final int DEFAULT_KEEP = 10;
    public static final int MAX_KEEP = 1000;

    public LogRotation {
        if (maxSize <= 0 || keep < 0 || keep > MAX_KEEP) {
            throw new IllegalArgumentException("max_size " + maxSize + ", keep " + keep);
        }
    }
}
