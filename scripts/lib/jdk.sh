# shellcheck shell=bash
# Sourced by the scripts in scripts/: finds a JDK 25 or newer.
#
#   rolld_find_jdk   sets and exports JAVA_HOME, puts $JAVA_HOME/bin first in PATH;
#                    exits 3 with a message on stderr when no JDK 25+ is found.

ROLLD_MIN_JAVA_MAJOR=25

# Prints the major version of the java in JDK dir $1 (e.g. 25, 17, 8), or nothing. It reads the
# JDK's `release` file (JAVA_VERSION="25.0.1", every JDK since 9 has one) with bash alone, and runs
# `java -version` only without it: a JVM start is most of what a client command costs.
rolld_java_major() {
    local java="$1/bin/java" line="" version
    [[ -x "$java" ]] || return 0
    if [[ -r "$1/release" ]]; then
        while IFS= read -r line && [[ "$line" != JAVA_VERSION=* ]]; do :; done <"$1/release"
    fi
    if [[ "$line" != JAVA_VERSION=* ]]; then
        # First line looks like: openjdk version "25.0.1" 2025-10-21   (or "1.8.0_392", "25-ea")
        line="$("$java" -version 2>&1 | head -n 1)" || return 0
    fi
    version="${line#*\"}"
    version="${version%%\"*}"
    version="${version#1.}"          # 1.8.0 -> 8.0
    version="${version%%[-.+_]*}"    # 25.0.1 -> 25, 25-ea -> 25
    [[ "$version" =~ ^[0-9]+$ ]] && printf '%s\n' "$version"
    return 0
}

rolld_find_jdk() {
    local candidates=() looked=() dir major i
    if [[ -n "${JAVA_HOME:-}" ]]; then
        candidates+=("$JAVA_HOME")
    fi
    shopt -s nullglob
    candidates+=(/usr/lib/jvm/temurin-25* /usr/lib/jvm/*25*)
    # Then everything else under /usr/lib/jvm, newest version first (sorted only when needed).
    candidates+=("" /opt/java/* /opt/jdk*)
    shopt -u nullglob

    local -A seen=()
    local others=()
    for ((i = 0; i < ${#candidates[@]}; i++)); do
        dir="${candidates[i]}"
        if [[ -z "$dir" ]]; then
            shopt -s nullglob
            others=(/usr/lib/jvm/*)
            shopt -u nullglob
            if ((${#others[@]} > 0)); then
                mapfile -t others < <(printf '%s\n' "${others[@]}" | sort -rV)
                candidates=("${candidates[@]:0:i+1}" "${others[@]}" "${candidates[@]:i+1}")
            fi
            continue
        fi
        [[ -d "$dir" && -z "${seen[$dir]:-}" ]] || continue
        seen[$dir]=1
        major="$(rolld_java_major "$dir")"
        looked+=("$dir (${major:-no bin/java})")
        if [[ -n "$major" ]] && ((major >= ROLLD_MIN_JAVA_MAJOR)); then
            JAVA_HOME="$(cd "$dir" && pwd -P)"
            export JAVA_HOME
            PATH="$JAVA_HOME/bin:$PATH"
            export PATH
            return 0
        fi
    done

    {
        echo "rolld: no JDK ${ROLLD_MIN_JAVA_MAJOR} or newer found."
        if ((${#looked[@]} > 0)); then
            echo "Looked at (major version found):"
            printf '  %s\n' "${looked[@]}"
        else
            echo "Looked at: \$JAVA_HOME (unset), /usr/lib/jvm/*, /opt/java/*, /opt/jdk* (none exist)"
        fi
        echo "To fix, either:"
        echo "  - install Eclipse Temurin 25 from Adoptium (https://adoptium.net/installation/linux/):"
        echo "      apt-get install -y wget apt-transport-https gpg"
        echo "      wget -qO - https://packages.adoptium.net/artifactory/api/gpg/key/public | gpg --dearmor > /etc/apt/trusted.gpg.d/adoptium.gpg"
        echo "      echo \"deb https://packages.adoptium.net/artifactory/deb \$(. /etc/os-release; echo \"\$VERSION_CODENAME\") main\" > /etc/apt/sources.list.d/adoptium.list"
        echo "      apt-get update && apt-get install -y temurin-25-jdk"
        echo "  - or set JAVA_HOME to a JDK ${ROLLD_MIN_JAVA_MAJOR}+ directory."
    } >&2
    exit 3
}
