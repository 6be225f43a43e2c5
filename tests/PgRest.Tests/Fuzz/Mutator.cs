using System.Text;

namespace PgRest.Tests.Fuzz;

/// <summary>
/// Seeded mutations of a valid input, as a fuzzer makes them: bit flips, interesting bytes, inserted, deleted and
/// repeated ranges, truncation, and for text numbers made huge or negative and lines repeated. The same seed gives
/// the same inputs, so a failure names an input that can be replayed.
/// </summary>
public sealed class Mutator(int seed)
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x7F, 0x80, 0xFF, (byte)'"', (byte)'[', (byte)'{', (byte)'=', (byte)'\n', (byte)'<', (byte)'&'];

    private static readonly string[] Numbers = ["0", "-1", "4294967295", "4294967296", "18446744073709551615", "99999999999999999999999", "9223372036854775807", "1e308", "-0"];

    private readonly Random _random = new(seed);

    public byte[] Mutate(byte[] input)
    {
        var data = new List<byte>(input);
        var rounds = 1 + _random.Next(4);
        for (var round = 0; round < rounds; round++)
            MutateOnce(data);
        return [.. data];
    }

    private void MutateOnce(List<byte> data)
    {
        if (data.Count == 0)
        {
            data.Add(Interesting[_random.Next(Interesting.Length)]);
            return;
        }

        var at = _random.Next(data.Count);
        switch (_random.Next(9))
        {
            case 0:
                data[at] ^= (byte)(1 << _random.Next(8));
                break;
            case 1:
                data[at] = Interesting[_random.Next(Interesting.Length)];
                break;
            case 2:
                data[at] = (byte)_random.Next(256);
                break;
            case 3:
                data.InsertRange(at, RandomBytes(1 + _random.Next(16)));
                break;
            case 4:
                data.RemoveRange(at, Math.Min(data.Count - at, 1 + _random.Next(64)));
                break;
            case 5:
            {
                var length = Math.Min(data.Count - at, 1 + _random.Next(128));
                data.InsertRange(at, data.GetRange(at, length));
                break;
            }

            case 6:
                data.RemoveRange(at, data.Count - at);
                break;
            case 7:
                ReplaceNumber(data, at);
                break;
            default:
                // A 32-bit length or count field made huge or zero.
                for (var i = 0; i < 4 && at + i < data.Count; i++)
                    data[at + i] = _random.Next(2) == 0 ? (byte)0xFF : (byte)0x00;
                break;
        }
    }

    /// <summary>The run of digits at or after <paramref name="at"/> becomes an extreme number.</summary>
    private void ReplaceNumber(List<byte> data, int at)
    {
        var start = data.FindIndex(at, b => b is >= (byte)'0' and <= (byte)'9');
        if (start < 0)
            return;
        var end = start;
        while (end < data.Count && data[end] is >= (byte)'0' and <= (byte)'9')
            end++;
        data.RemoveRange(start, end - start);
        data.InsertRange(start, Encoding.ASCII.GetBytes(Numbers[_random.Next(Numbers.Length)]));
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }
}
