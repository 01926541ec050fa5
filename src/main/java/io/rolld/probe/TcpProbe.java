package io.rolld.probe;

import io.rolld.config.SmokeTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Passes when the port accepts a TCP connection. */
final class TcpProbe implements Probe {
    private final SmokeTest.Tcp spec;

    TcpProbe(SmokeTest.Tcp spec) {
        this.spec = spec;
    }

    @Override
    public ProbeResult check(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) spec.connectTimeout().toMillis());
            return new ProbeResult.Ready();
        } catch (IOException e) {
            return new ProbeResult.Unreachable("connect " + host + ":" + port + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
    }
}
