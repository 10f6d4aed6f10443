global using NUnit.Framework;
global using Stripe;
