using System.Reflection;
using System.Runtime.CompilerServices;
using CinemaSync.Contracts;
using CinemaSync.Web.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace CinemaSync.Tests.Infrastructure;

/// <summary>The wire names the server really has, read from its types: what docs and clients are checked against.</summary>
public static class ServerContract
{
    /// <summary>The hub's client → server method names (<c>[HubMethodName]</c>, else the C# name).</summary>
    public static IReadOnlyList<string> HubMethodNames() =>
        typeof(RoomHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.GetBaseDefinition().DeclaringType == typeof(RoomHub))
            .Select(m => m.GetCustomAttribute<HubMethodNameAttribute>()?.Name ?? m.Name)
            .ToList();

    /// <summary>
    /// The server → client event names: the web node sends each message under its Name; every
    /// concrete message type has one. <c>Numbered</c>: a <see cref="RoomEvent"/>, which carries <c>seq</c>.
    /// </summary>
    public static IReadOnlyList<(string Name, bool Numbered)> EventNames() =>
        typeof(RoomMessage).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(RoomMessage)) && !t.IsAbstract)
            .Select(t => (((RoomMessage)RuntimeHelpers.GetUninitializedObject(t)).Name, t.IsSubclassOf(typeof(RoomEvent))))
            .ToList();

    /// <summary>Every error code (the constants of <see cref="ErrorCodes"/>).</summary>
    public static IReadOnlyList<string> ErrorCodeNames() =>
        typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
}
