package dev.onebox.emulators;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Linux only: the TCP sockets a process listens on, read from /proc. */
final class ListeningSockets {

  record Socket(String address, int port) {
    boolean isLoopback() {
      return address.equals("127.0.0.1") || address.equals("::1") || address.equals("::ffff:127.0.0.1");
    }
  }

  private ListeningSockets() {}

  static boolean supported() {
    return Files.isReadable(Path.of("/proc/net/tcp"));
  }

  static List<Socket> of(ProcessHandle process) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // the descriptor was closed while we listed them
        }
      }
    }
    List<Socket> sockets = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.isReadable(path)) {
        continue;
      }
      List<String> lines = Files.readAllLines(path); // read once: the table changes while other processes run
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        // f[1] local address:port (hex), f[3] state (0A = LISTEN), f[9] inode
        if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
          String[] local = f[1].split(":");
          sockets.add(new Socket(address(local[0]), Integer.parseInt(local[1], 16)));
        }
      }
    }
    return sockets;
  }

  private static String address(String hex) {
    if (hex.length() == 8) {
      return ipv4(hex);
    }
    if (hex.equals("00000000000000000000000000000000")) {
      return "::";
    }
    if (hex.equals("00000000000000000000000001000000")) {
      return "::1";
    }
    if (hex.startsWith("0000000000000000FFFF0000")) {
      return "::ffff:" + ipv4(hex.substring(24));
    }
    return hex;
  }

  /** /proc prints IPv4 addresses as a little-endian 32-bit word. */
  private static String ipv4(String hex) {
    return Integer.parseInt(hex.substring(6, 8), 16) + "." + Integer.parseInt(hex.substring(4, 6), 16) + "."
        + Integer.parseInt(hex.substring(2, 4), 16) + "." + Integer.parseInt(hex.substring(0, 2), 16);
  }
}
