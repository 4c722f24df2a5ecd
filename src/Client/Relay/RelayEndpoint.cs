using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace GameBackend.Client.Relay;

/// <summary>Reads an assignment's <c>relayEndpoint</c> ("host:port", "[v6]:port") and resolves the host.</summary>
internal static class RelayEndpoint
{
    public static async Task<IPEndPoint> ResolveAsync(string endpoint, CancellationToken cancellationToken)
    {
        var separator = endpoint.LastIndexOf(':');
        if (separator <= 0 || !int.TryParse(endpoint.Substring(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new FormatException($"The relay endpoint \"{endpoint}\" is not host:port.");
        }

        var host = endpoint.Substring(0, separator);
        if (host.Length >= 2 && host[0] == '[' && host[host.Length - 1] == ']')
        {
            host = host.Substring(1, host.Length - 2);
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var addresses = await Dns.GetHostAddressesAsync(host).ConfigureAwait(false);
        foreach (var candidate in addresses)
        {
            if (candidate.AddressFamily == AddressFamily.InterNetwork)
            {
                return new IPEndPoint(candidate, port);
            }
        }

        return addresses.Length > 0
            ? new IPEndPoint(addresses[0], port)
            : throw new RelayJoinException($"The relay host \"{host}\" did not resolve.");
    }
}

/// <summary>Join tokens travel in JSON as base64url (no padding).</summary>
internal static class Base64UrlText
{
    public static byte[] Decode(string text)
    {
#if NET
        return System.Buffers.Text.Base64Url.DecodeFromChars(text);
#else
        var base64 = text.Replace('-', '+').Replace('_', '/');
        switch (base64.Length % 4)
        {
            case 2:
                base64 += "==";
                break;
            case 3:
                base64 += "=";
                break;
        }

        return Convert.FromBase64String(base64);
#endif
    }
}
