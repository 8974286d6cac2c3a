using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CacheCluster.Tests.Hardening;

/// <summary>
/// Sends a request target exactly as written (HttpClient and Uri remove dot segments before sending) over one
/// connection with <c>Connection: close</c>, and reads the answer back into an <see cref="HttpResponseMessage"/>.
/// </summary>
internal static class RawHttp
{
    public static async Task<HttpResponseMessage> SendAsync(Uri server, string method, string target, string? body = null, string contentType = "text/plain")
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        await using var stream = client.GetStream();
        var bytes = Encoding.UTF8.GetBytes(body ?? string.Empty);
        var head = new StringBuilder()
            .Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(server.Authority).Append("\r\n")
            .Append("Connection: close\r\n");
        if (body is not null)
        {
            head.Append("Content-Type: ").Append(contentType).Append("\r\nContent-Length: ").Append(bytes.Length).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));
        await stream.WriteAsync(bytes);

        using var received = new MemoryStream();
        await stream.CopyToAsync(received).WaitAsync(TimeSpan.FromSeconds(30));
        var text = Encoding.UTF8.GetString(received.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var lines = text[..split].Split("\r\n");
        var response = new HttpResponseMessage((HttpStatusCode)int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture))
        {
            Content = new StringContent(Unchunk(text[(split + 4)..], lines)),
        };
        response.Content.Headers.Clear();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = (line[..colon], line[(colon + 1)..].Trim());
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        response.Content.Headers.ContentLength = null;
        return response;
    }

    private static string Unchunk(string body, string[] headLines)
    {
        if (!headLines.Any(l => l.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase) && l.Contains("chunked", StringComparison.OrdinalIgnoreCase)))
        {
            return body;
        }

        var result = new StringBuilder();
        var at = 0;
        while (true)
        {
            var end = body.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(body[at..end].Split(';')[0], 16);
            if (size == 0)
            {
                return result.ToString();
            }

            result.Append(body, end + 2, size);
            at = end + 2 + size + 2;
        }
    }
}
