package dev.onebox.events.pattern;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Parses IP address literals without ever resolving host names. */
final class IpAddresses {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    private IpAddresses() {
    }

    /** The address bytes (4 or 16), or null when {@code text} is not an IP address literal. */
    static byte[] parse(String text) {
        var m = IPV4.matcher(text);
        if (m.matches()) {
            byte[] out = new byte[4];
            for (int i = 0; i < 4; i++) {
                int part = Integer.parseInt(m.group(i + 1));
                if (part > 255) {
                    return null;
                }
                out[i] = (byte) part;
            }
            return out;
        }
        if (text.indexOf(':') < 0 || !IPV6_CHARS.matcher(text).matches()) {
            return null;
        }
        try {
            // a literal containing ':' is parsed as IPv6 text, never looked up
            byte[] bytes = InetAddress.getByName(text).getAddress();
            if (bytes.length == 4) { // IPv4-mapped form: keep 16 bytes so it does not match IPv4 blocks by accident
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xFF;
                mapped[11] = (byte) 0xFF;
                System.arraycopy(bytes, 0, mapped, 12, 4);
                return mapped;
            }
            return bytes;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
