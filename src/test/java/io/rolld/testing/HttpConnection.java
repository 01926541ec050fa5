package io.rolld.testing;

import io.rolld.testing.HttpLoad.Outcome;
import io.rolld.testing.HttpLoad.Result;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/** One keep-alive connection and its response parser (Content-Length, chunked, or until EOF). */
final class HttpConnection {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int used;

    private HttpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 8192);
        this.out = socket.getOutputStream();
    }

    /** True once a second request went over this connection (its first one was answered). */
    boolean reused() {
        return used > 1;
    }

    static HttpConnection open(int port, Duration connectTimeout, Duration readTimeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) readTimeout.toMillis());
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    (int) connectTimeout.toMillis());
            return new HttpConnection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    Result exchange(byte[] request) {
        used++;
        boolean anyByte = false;
        try {
            out.write(request);
            out.flush();
            int first = in.read();
            if (first < 0) {
                return new Result.Failed(Outcome.EOF_BEFORE_RESPONSE, new EOFException("closed before response"));
            }
            anyByte = true;
            return readResponse((char) first + readLine());
        } catch (SocketTimeoutException e) {
            return new Result.Failed(Outcome.TIMEOUT, e);
        } catch (IOException e) {
            if (!anyByte) {
                return new Result.Failed(Outcome.RESET_BEFORE_RESPONSE, e);
            }
            return new Result.Failed(Outcome.BROKEN_RESPONSE, e);
        } catch (RuntimeException e) {
            return new Result.Failed(Outcome.OTHER_ERROR, e);
        }
    }

    private Result readResponse(String statusLine) throws IOException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("bad status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        long contentLength = -1;
        boolean chunked = false;
        boolean close = parts[0].equals("HTTP/1.0");
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> contentLength = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> close = value.equalsIgnoreCase("close");
                default -> {
                }
            }
        }
        byte[] body;
        if (chunked) {
            body = readChunked();
        } else if (contentLength >= 0) {
            body = in.readNBytes((int) contentLength);
            if (body.length < contentLength) {
                throw new EOFException("body ended after " + body.length + " of " + contentLength + " bytes");
            }
        } else {
            body = in.readAllBytes();
            close = true;
        }
        return new Result.Response(status, new String(body, StandardCharsets.UTF_8), close);
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine();
            int size = Integer.parseInt(sizeLine.split(";", 2)[0].trim(), 16);
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length < size) {
                throw new EOFException("chunk ended early");
            }
            body.write(chunk);
            readLine();
        }
    }

    /** A CRLF-terminated line without its terminator; EOF before the end is an error. */
    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed mid-response");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
