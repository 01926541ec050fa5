package io.rolld.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rolld.config.HttpListener;
import io.rolld.os.ProcNetTcp;
import io.rolld.os.ResidentMemory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK's HTTP server on the configured address, answering GET and HEAD on a few fixed paths.
 * Each exchange has a virtual thread; rendering goes through a {@link RenderGate} (one at a time,
 * repeated for {@value #FRESH_MS} ms), so a flood of requests cannot take the CPU a rollout needs,
 * and no handler waits for a rollout.
 */
public final class WebServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("rolld");
    private static final long FRESH_MS = 200;
    /** Sparklines cover the last {@code MemorySamples.KEPT} readings: 2.5 minutes. */
    private static final Duration MEMORY_EVERY = Duration.ofSeconds(5);
    private static final int BACKLOG = 64;

    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm
        // and the client's delayed ACK add ~40 ms to every answer. Read once, when the server class loads.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService handlers;
    private Thread sampler;

    private WebServer(HttpServer server, ExecutorService handlers) {
        this.server = server;
        this.handlers = handlers;
    }

    /** The address could not be bound; the message says why and, when it can be seen, which pid holds it. */
    public static final class BindFailed extends IOException {
        BindFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Binds {@code listener} and serves {@code routes}. */
    static WebServer start(HttpListener listener, Map<String, Supplier<Response>> routes) throws BindFailed {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.ofLiteral(listener.host()), listener.port()), BACKLOG);
        } catch (BindException e) {
            ProcNetTcp tcp = ProcNetTcp.system();
            String owner = Optional.ofNullable(tcp.listening(Set.of(listener.port())).get(listener.port()))
                    .flatMap(tcp::ownerOf).map(pid -> " (listening: pid " + pid + ")").orElse("");
            throw new BindFailed("cannot listen on " + listener + ": " + e.getMessage() + owner, e);
        } catch (IOException e) {
            throw new BindFailed("cannot listen on " + listener + ": " + e, e);
        }
        ExecutorService handlers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("http-", 0).factory());
        RenderGate gate = new RenderGate(FRESH_MS * 1_000_000, System::nanoTime);
        server.setExecutor(handlers);
        server.createContext("/", exchange -> answer(exchange, routes, gate));
        server.start();
        return new WebServer(server, handlers);
    }

    /** Starts the listener with rolld's routes: {@code /}, {@code /metrics}, {@code /api/status}. */
    public static WebServer start(HttpListener listener, DaemonView daemon, RolloutHistory history) throws BindFailed {
        MemorySamples memory = new MemorySamples(ResidentMemory.system(), MEMORY_EVERY.toNanos(), System::nanoTime);
        WebServer web = start(listener, Routes.of(daemon, history, memory));
        web.sampler = Thread.ofVirtual().name("http-memory").start(() -> sample(daemon, memory));
        return web;
    }

    /** Reads every worker's memory every {@link #MEMORY_EVERY}, so sparklines fill while nobody looks. */
    private static void sample(DaemonView daemon, MemorySamples memory) {
        try {
            while (true) {
                List<Long> pids = daemon.groups().stream().flatMap(g -> g.workers().stream()).map(w -> w.pid()).toList();
                pids.forEach(memory::read);
                memory.retain(pids);
                Thread.sleep(MEMORY_EVERY);
            }
        } catch (InterruptedException e) {
            // close()
        }
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void answer(HttpExchange exchange, Map<String, Supplier<Response>> routes, RenderGate gate)
            throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            Supplier<Response> route = routes.get(exchange.getRequestURI().getPath());
            Response response;
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                response = new Response(405, "text/plain; charset=utf-8", "only GET and HEAD\n".getBytes());
            } else if (route == null) {
                response = new Response(404, "text/plain; charset=utf-8",
                        ("no such page; try " + String.join(", ", routes.keySet().stream().sorted().toList()) + "\n").getBytes());
            } else {
                response = render(route, exchange, gate);
            }
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = method.equals("HEAD");
            exchange.sendResponseHeaders(response.status(), head ? -1 : response.body().length == 0 ? -1 : response.body().length);
            if (!head) {
                try (OutputStream body = exchange.getResponseBody()) {
                    body.write(response.body());
                }
            }
        }
    }

    private static Response render(Supplier<Response> route, HttpExchange exchange, RenderGate gate) {
        try {
            return gate.render(exchange.getRequestURI().getPath(), route);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(503, "text/plain; charset=utf-8", "rolld is stopping\n".getBytes());
        } catch (RuntimeException e) {
            LOG.error("event=http_error path={} error=\"{}\" action=\"answered 500; rollouts unaffected\"",
                    exchange.getRequestURI().getPath(), e, e);
            return new Response(500, "text/plain; charset=utf-8", ("internal error: " + e + "\n").getBytes());
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        if (sampler != null) {
            sampler.interrupt();
        }
    }
}
