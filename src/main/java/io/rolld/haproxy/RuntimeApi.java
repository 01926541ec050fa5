package io.rolld.haproxy;

import io.rolld.config.FrontConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The few runtime API commands rolld needs, typed: read a backend's servers and their sessions,
 * set a server's address, weight and state. Every answer is checked against what HAProxy answers
 * on success (recorded from Debian's HAProxy 2.6); anything else is {@link Refused}, with the answer.
 */
public final class RuntimeApi {
    /** HAProxy's answer to {@code set server ... addr A port P} when it took the change. */
    private static final Pattern ADDRESS_SET = Pattern.compile(
            "(?:IP changed from '[^']*' to '[^']*'|no need to change the addr)"
                    + "(?:, (?:port changed from '[^']*' to '\\d+'|no need to change the port))? by 'stats socket command'");
    private static final String STATE_FORMAT = "1";

    /** Sends one command line and returns HAProxy's whole answer. */
    public interface Transport {
        String ask(String command) throws IOException;
    }

    private final Transport transport;

    public RuntimeApi(Transport transport) {
        this.transport = transport;
    }

    public static RuntimeApi at(FrontConfig.AdminSocket socket) {
        return new RuntimeApi(new AdminSocketTransport(socket));
    }

    /** {@code show servers state BACKEND}: its servers in configuration order. */
    public List<Server> servers(String backend) throws IOException, Refused {
        String command = "show servers state " + backend;
        String answer = ask(command);
        List<String> lines = answer.lines().toList();
        if (lines.size() < 2 || !lines.get(0).equals(STATE_FORMAT) || !lines.get(1).startsWith("# ")) {
            throw new Refused(command, answer);
        }
        Columns columns = new Columns(lines.get(1).substring(2).split(" "), command, answer);
        List<Server> servers = new ArrayList<>();
        for (String line : lines.subList(2, lines.size())) {
            String[] row = line.split(" ");
            servers.add(new Server(columns.text(row, "srv_name"), columns.text(row, "srv_addr"), columns.number(row, "srv_port"),
                    columns.number(row, "srv_uweight"), AdminState.ofBits(columns.number(row, "srv_admin_state")),
                    columns.number(row, "srv_op_state") == 2));
        }
        return servers;
    }

    /** {@code show stat BACKEND 4 -1} (its servers' rows): the current sessions ({@code scur}) by server name. */
    public Map<String, Integer> sessions(String backend) throws IOException, Refused {
        String command = "show stat " + backend + " 4 -1";
        String answer = ask(command);
        List<String> lines = answer.lines().toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            throw new Refused(command, answer);
        }
        Columns columns = new Columns(lines.get(0).substring(2).split(",", -1), command, answer);
        Map<String, Integer> sessions = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] row = line.split(",", -1);
            if (columns.text(row, "pxname").equals(backend)) {
                sessions.put(columns.text(row, "svname"), columns.number(row, "scur"));
            }
        }
        return sessions;
    }

    /** {@code set server BACKEND/SERVER addr ADDRESS port PORT}. */
    public void setAddress(String backend, String server, String address, int port) throws IOException, Refused {
        String command = "set server " + backend + "/" + server + " addr " + address + " port " + port;
        String answer = ask(command);
        if (!ADDRESS_SET.matcher(answer).matches()) {
            throw new Refused(command, answer);
        }
    }

    /** {@code set server BACKEND/SERVER weight WEIGHT} (0..256). */
    public void setWeight(String backend, String server, int weight) throws IOException, Refused {
        expectSilence("set server " + backend + "/" + server + " weight " + weight);
    }

    /** {@code set server BACKEND/SERVER state ready|drain|maint}. */
    public void setState(String backend, String server, AdminState state) throws IOException, Refused {
        expectSilence("set server " + backend + "/" + server + " state " + state.word());
    }

    private void expectSilence(String command) throws IOException, Refused {
        String answer = ask(command);
        if (!answer.isEmpty()) {
            throw new Refused(command, answer);
        }
    }

    /** The answer without the empty line that ends every answer. */
    private String ask(String command) throws IOException {
        return transport.ask(command).strip();
    }

    /** A table's columns by name, so a column HAProxy adds or moves does not shift what rolld reads. */
    private record Columns(List<String> names, String command, String answer) {
        Columns(String[] names, String command, String answer) {
            this(Arrays.asList(names), command, answer);
        }

        String text(String[] row, String column) throws Refused {
            int i = names.indexOf(column);
            if (i < 0 || i >= row.length) {
                throw new Refused(command, "no column " + column + " in: " + answer);
            }
            return row[i];
        }

        int number(String[] row, String column) throws Refused {
            String value = text(row, column);
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new Refused(command, "column " + column + " is '" + value + "', not a number, in: " + answer);
            }
        }
    }
}
