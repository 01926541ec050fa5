package io.rolld.config;

import java.net.InetAddress;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An address written {@code HOST:PORT} or {@code [V6]:PORT} with an IP literal for a host: rolld
 * binds before any name service is asked. The port's digits are checked by the caller, which
 * knows whose port it is.
 */
record InetAddressText(InetAddress host, String hostText, String portDigits) {
    private static final Pattern HOST_PORT = Pattern.compile("(?:\\[([^]]+)]|([^:\\[\\]]+)):(\\d+)");

    /** @param hint appended to the message when {@code text} is not of the form, e.g. {@code " (hint: ...)"} */
    static InetAddressText parse(YamlNode node, String text, String what, String hint) throws ConfigException {
        Matcher m = HOST_PORT.matcher(text);
        if (!m.matches()) {
            throw node.error("invalid address '" + text + "' in " + what + hint);
        }
        String host = m.group(1) != null ? m.group(1) : m.group(2);
        try {
            return new InetAddressText(InetAddress.ofLiteral(host), host, m.group(3));
        } catch (IllegalArgumentException e) {
            throw node.error("invalid address '" + text + "' in " + what + ": '" + host
                    + "' is not an IP address (hint: rolld binds before any name service is asked; write 127.0.0.1 or [::1])");
        }
    }
}
