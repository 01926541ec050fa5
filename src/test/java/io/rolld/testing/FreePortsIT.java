package io.rolld.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreePortsIT {

    @Test
    void distinct_returnsBindablePortsBelowTheEphemeralRange() throws IOException {
        List<Integer> ports = FreePorts.distinct(8);

        assertEquals(8, new HashSet<>(ports).size(), "distinct: " + ports);
        int ephemeralLow = FreePorts.ephemeralRange()[0];
        assertTrue(ports.stream().allMatch(p -> p < ephemeralLow), ports + " should be below " + ephemeralLow);
        bindAll(ports);
    }

    @Test
    void consecutive_returnsARunOfBindablePorts() throws IOException {
        List<Integer> ports = FreePorts.consecutive(4);

        for (int i = 1; i < ports.size(); i++) {
            assertEquals(ports.get(0) + i, ports.get(i), "consecutive: " + ports);
        }
        bindAll(ports);
    }

    @Test
    void distinct_neverHandsOutAPortTwice() {
        List<Integer> first = FreePorts.distinct(20);
        List<Integer> second = FreePorts.distinct(20);

        assertTrue(first.stream().noneMatch(second::contains), first + " and " + second + " overlap");
    }

    private static void bindAll(List<Integer> ports) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int port : ports) {
                ServerSocket socket = new ServerSocket();
                sockets.add(socket);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            }
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
