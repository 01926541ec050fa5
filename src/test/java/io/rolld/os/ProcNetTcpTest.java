package io.rolld.os;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProcNetTcpTest {
    private final ProcNetTcp fixture = new ProcNetTcp(List.of(
            Path.of("src/test/resources/proc/tcp"), Path.of("src/test/resources/proc/tcp6")));

    @Test
    void established_countsOnlyLocalPortsInBothTables() {
        // 8001 (0x1F41): two accepted connections in tcp; the client side (local 0xD2F0) is not counted.
        // 8002 (0x1F42): one TIME_WAIT in tcp (not counted), one established in tcp6.
        assertEquals(Map.of(8001, 2, 8002, 1), fixture.established(Set.of(8001, 8002, 8003)));
    }

    @Test
    void listening_findsPortsWithTheirInodes() {
        assertEquals(Map.of(8001, 111L, 8002, 221L), fixture.listening(Set.of(8001, 8002, 8003)));
    }

    @Test
    void readable_decodesTheKernelsWordOrder() {
        assertEquals("127.0.0.1", ProcNetTcp.readable("0100007F"));
        assertEquals("0.0.0.0", ProcNetTcp.readable("00000000"));
        assertEquals("::1", ProcNetTcp.readable("00000000000000000000000001000000"));
        assertEquals("::", ProcNetTcp.readable("00000000000000000000000000000000"));
    }

    @Test
    void listenAddressesAndOwner_onTheRealKernelTables_findAnIpv6OnlyListenerAndThisJvm() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getByName("::1"))) {
            ProcNetTcp system = ProcNetTcp.system();
            int port = server.getLocalPort();
            assertEquals(List.of("::1"), system.listenAddresses(port));
            long inode = system.listening(Set.of(port)).get(port);
            assertEquals(Optional.of(ProcessHandle.current().pid()), system.ownerOf(inode));
        }
    }

    @Test
    void listeningPortsOf_onTheRealKernelTables_findsThisJvmsOwnListenersButTheSharedOnes() throws Exception {
        try (ServerSocket own = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             ServerSocket shared = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            List<Integer> found = ProcNetTcp.system().listeningPortsOf(ProcessHandle.current().pid(), Set.of(shared.getLocalPort()));

            assertEquals(true, found.contains(own.getLocalPort()), found.toString());
            assertEquals(false, found.contains(shared.getLocalPort()), found.toString());
        }
        assertEquals(List.of(), ProcNetTcp.system().listeningPortsOf(Long.MAX_VALUE, Set.of()), "no such process");
    }

    @Test
    void established_onTheRealKernelTables_seesALoopbackConnection() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            ProcNetTcp system = ProcNetTcp.system();
            assertEquals(Map.of(server.getLocalPort(), 1), system.established(Set.of(server.getLocalPort())));
            assertEquals(Set.of(server.getLocalPort()), system.listening(Set.of(server.getLocalPort())).keySet());
        }
    }
}
