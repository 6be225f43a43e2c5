using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace PgRest.Filters;

/// <summary>
/// AES-256-CBC in OpenSSL's salted format (pgbackrest-format.md, "4.2 Encryption"): <c>Salted__</c>, 8 random salt bytes, then the ciphertext with
/// PKCS#7 padding; key and IV come from EVP_BytesToKey(SHA-1, count 1) over the UTF-8 passphrase. Raw mode omits the
/// <c>Salted__</c> magic. Interoperable with <c>openssl enc -aes-256-cbc -md sha1 -pass pass:...</c>.
/// </summary>
public static class Cipher
{
    internal const int BlockSize = 16;
    internal const int SaltSize = 8;
    internal const int KeySize = 32;
    internal const int IvSize = 16;

    internal static ReadOnlySpan<byte> Magic => "Salted__"u8;

    /// <summary>A write-only stream that encrypts into <paramref name="destination"/>; Dispose/DisposeAsync write the
    /// final padded block. Empty input still produces the header and one block.</summary>
    public static Stream Encryptor(Stream destination, string passphrase, bool raw = false, bool leaveOpen = false) =>
        Encryptor(destination, passphrase, raw, leaveOpen, salt: null);

    /// <summary>As <see cref="Encryptor(Stream, string, bool, bool)"/> with a chosen salt, for reproducible tests.</summary>
    internal static Stream Encryptor(Stream destination, string passphrase, bool raw, bool leaveOpen, byte[]? salt)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentException.ThrowIfNullOrEmpty(passphrase);
        if (salt is null)
        {
            salt = new byte[SaltSize];
            RandomNumberGenerator.Fill(salt);
        }
        else if (salt.Length != SaltSize)
        {
            throw new ArgumentException($"the salt must be {SaltSize} bytes", nameof(salt));
        }

        return new CipherEncryptStream(destination, passphrase, salt, raw, leaveOpen);
    }

    /// <summary>
    /// A read-only stream of the data decrypted from <paramref name="source"/>. A missing or wrong header, truncated
    /// ciphertext and invalid final padding (the usual result of a wrong passphrase) throw
    /// <c>PgRestException(ErrorCode.Crypto)</c>.
    /// </summary>
    public static Stream Decryptor(Stream source, string passphrase, bool raw = false, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(passphrase);
        return new CipherDecryptStream(source, passphrase, raw, leaveOpen);
    }

    /// <summary>An AES-256-CBC transform without padding, keyed by EVP_BytesToKey(SHA-1, 1) of passphrase and salt.</summary>
    internal static ICryptoTransform CreateTransform(string passphrase, ReadOnlySpan<byte> salt, bool encrypt)
    {
        byte[] key = new byte[KeySize];
        byte[] iv = new byte[IvSize];
        try
        {
            DeriveKey(passphrase, salt, key, iv);
            using Aes aes = Aes.Create();
            aes.Mode = CipherMode.CBC;
            aes.Padding = PaddingMode.None;
            return encrypt ? aes.CreateEncryptor(key, iv) : aes.CreateDecryptor(key, iv);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(iv);
        }
    }

    /// <summary>
    /// OpenSSL EVP_BytesToKey with SHA-1 and one iteration: D1 = SHA1(pass ‖ salt), Dn = SHA1(Dn-1 ‖ pass ‖ salt);
    /// key ‖ IV is the start of D1 ‖ D2 ‖ D3.
    /// </summary>
    internal static void DeriveKey(string passphrase, ReadOnlySpan<byte> salt, Span<byte> key, Span<byte> iv)
    {
        const int digestSize = SHA1.HashSizeInBytes;
        int passphraseLength = Encoding.UTF8.GetByteCount(passphrase);
        int materialLength = digestSize + passphraseLength + salt.Length;
        byte[] material = ArrayPool<byte>.Shared.Rent(materialLength);
        Span<byte> derived = stackalloc byte[3 * digestSize];
        try
        {
            Span<byte> passphraseAndSalt = material.AsSpan(digestSize, passphraseLength + salt.Length);
            Encoding.UTF8.GetBytes(passphrase, passphraseAndSalt);
            salt.CopyTo(passphraseAndSalt[passphraseLength..]);

            SHA1.HashData(passphraseAndSalt, derived[..digestSize]);
            for (int round = 1; round < 3; round++)
            {
                derived.Slice((round - 1) * digestSize, digestSize).CopyTo(material);
                SHA1.HashData(material.AsSpan(0, materialLength), derived.Slice(round * digestSize, digestSize));
            }

            derived[..KeySize].CopyTo(key);
            derived.Slice(KeySize, IvSize).CopyTo(iv);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material.AsSpan(0, materialLength));
            CryptographicOperations.ZeroMemory(derived);
            ArrayPool<byte>.Shared.Return(material);
        }
    }
}
