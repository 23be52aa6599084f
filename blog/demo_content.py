"""Demo content written for this project: categories, authors and articles for load_demo."""

_STANDARD_DISCLAIMER = {
    "title": "Disclaimer",
    "text": (
        "<p>This article is for educational purposes only and is not financial, "
        "investment, tax or legal advice. Crypto assets are highly volatile and you "
        "can lose some or all of the money you put in. Do your own research and "
        "consider speaking to a qualified adviser before making any decision.</p>"
    ),
}

CATEGORIES = [
    {
        "name": "Research",
        "slug": "research",
        "description": (
            "In-depth reports on protocols, sectors and the infrastructure underneath "
            "crypto markets, written to explain how things work and where the risks sit."
        ),
    },
    {
        "name": "Crypto Basics",
        "slug": "crypto-basics",
        "description": (
            "Plain-language explainers for newcomers and curious readers, covering one "
            "core concept at a time without assuming prior knowledge."
        ),
    },
    {
        "name": "Market Analysis",
        "slug": "market-analysis",
        "description": (
            "Notes from our desk on cycles, flows, narratives and risk, focused on how "
            "to read the market rather than on predicting it."
        ),
    },
]

AUTHORS = [
    {
        "name": "Mara Lindqvist",
        "slug": "mara-lindqvist",
        "role": "Senior Research Analyst",
        "bio": (
            "Mara covers infrastructure, tokenization and the economics of new protocols, "
            "with a focus on where value and risk actually end up. Before joining Token "
            "Research she spent several years modelling credit products for institutional "
            "investors."
        ),
        "color": "#1f6feb",
    },
    {
        "name": "Tobias Renner",
        "slug": "tobias-renner",
        "role": "Head of Market Analysis",
        "bio": (
            "Tobias writes the desk's market recaps and its notes on cycles, liquidity "
            "and risk management. He cares more about position sizing than price targets "
            "and has never published a price prediction he was proud of."
        ),
        "color": "#8957e5",
    },
    {
        "name": "Ines Halloran",
        "slug": "ines-halloran",
        "role": "Education Lead",
        "bio": (
            "Ines turns complicated crypto concepts into clear explainers for readers "
            "who are just getting started. She previously taught computer science and "
            "still tests every article on someone who has never owned a token."
        ),
        "color": "#2da44e",
    },
]

ARTICLES = [
    # ------------------------------------------------------------------ 1
    {
        "slug": "what-is-depin",
        "title": "What is DePIN? Decentralized physical infrastructure explained",
        "summary": (
            "Decentralized physical infrastructure networks use token rewards to coordinate "
            "people who deploy real hardware, from wireless hotspots to GPUs. This explainer "
            "covers how the model works, where demand is supposed to come from, and the "
            "questions worth asking before treating any DePIN token as more than a subsidy "
            "scheme."
        ),
        "category": "crypto-basics",
        "authors": ["ines-halloran"],
        "date": "2026-11-03",
        "tags": ["depin", "infrastructure", "tokenomics"],
        "sponsored": False,
        "sponsor_name": "",
        "cover_colors": ["#0b1f3a", "#2f81f7"],
        "body": [
            (
                "paragraph",
                "<p>Most crypto networks live entirely in software. A DePIN, short for "
                "decentralized physical infrastructure network, tries something harder: it "
                "uses a token to persuade thousands of independent operators to buy, install "
                "and maintain real equipment. That equipment might be a wireless hotspot on a "
                "rooftop, a hard drive in a spare room, a dashcam that maps streets, or a rack "
                "of graphics cards rented out for computation. The network pays operators in "
                "its token, and customers pay the network to use the resulting service.</p>"
                "<p>The pitch is that a token can bootstrap infrastructure faster and more "
                "cheaply than a single company raising capital and hiring installers. Instead "
                "of one firm owning every node, the network crowdsources coverage and shares "
                "the upside with the people who provide it. Whether that pitch holds up "
                "depends almost entirely on one thing: whether paying customers eventually "
                "show up.</p>",
            ),
            ("heading", {"text": "How a DePIN network works", "level": "h2"}),
            (
                "paragraph",
                "<p>Although designs differ, most DePIN projects share the same basic "
                "loop:</p><ul>"
                "<li><b>Supply side:</b> operators deploy hardware and prove, through some "
                "form of on-chain or cryptographic check, that it is online and doing useful "
                "work.</li>"
                "<li><b>Rewards:</b> the protocol issues tokens to operators according to a "
                "schedule, often weighted towards early participants who take the most "
                "risk.</li>"
                "<li><b>Demand side:</b> businesses or individuals pay for the service, "
                "sometimes in ordinary currency that is converted behind the scenes, and that "
                "payment is linked back to the token.</li>"
                "<li><b>Token sink:</b> many networks burn tokens when customers pay, so real "
                "usage reduces supply while emissions add to it.</li></ul>"
                "<p>That last point is the core of the so-called burn-and-mint model. In the "
                "early years, emissions dwarf burns and the token is effectively a subsidy "
                "paid to operators. The long-term bet is that usage grows until burns roughly "
                "balance new issuance, at which point the network's economics stop depending "
                "on fresh buyers of the token.</p>",
            ),
            (
                "image",
                {
                    "alt_text": (
                        "Illustrative chart comparing rising token burns from usage against "
                        "declining operator emissions over several years"
                    ),
                    "caption": (
                        "A simplified burn-and-mint curve: the gap between emissions and burns "
                        "is the subsidy the network is paying."
                    ),
                    "source": "Token Research analysis",
                },
            ),
            ("heading", {"text": "The main DePIN categories", "level": "h2"}),
            (
                "table",
                {
                    "caption": "Common DePIN sectors and the demand question each must answer",
                    "rows": [
                        ["Sector", "What operators provide", "Key demand question"],
                        [
                            "Wireless",
                            "Hotspots and small cells",
                            "Will carriers or IoT firms pay for the coverage?",
                        ],
                        [
                            "Storage",
                            "Disk space and bandwidth",
                            "Is it cheaper or more resilient than cloud storage?",
                        ],
                        [
                            "Compute",
                            "GPUs and CPUs for rent",
                            "Can it match cloud reliability for paying workloads?",
                        ],
                        [
                            "Mapping and sensors",
                            "Imagery, weather or location data",
                            "Who buys the data, and how often?",
                        ],
                        [
                            "Energy",
                            "Batteries, solar panels and smart meters",
                            "Can it integrate with regulated grids?",
                        ],
                    ],
                },
            ),
            (
                "paragraph",
                "<p>Each sector faces a different incumbent. Wireless networks compete with "
                "telecom carriers that have spent decades building coverage. Storage and "
                "compute networks compete with large cloud providers that offer service-level "
                "agreements, support teams and predictable billing. Mapping networks compete "
                "with established data vendors. A DePIN does not need to beat these "
                "incumbents everywhere, but it needs a niche where decentralized supply is "
                "genuinely cheaper, more flexible or more available.</p>",
            ),
            ("heading", {"text": "How to evaluate a DePIN project", "level": "h2"}),
            (
                "paragraph",
                "<p>Hardware growth is the easiest metric to publicize and the least "
                "informative on its own. A map full of nodes says little if those nodes carry "
                "no traffic. When we review a DePIN project, we look at a handful of harder "
                "questions:</p><ul>"
                "<li><b>Revenue, not rewards:</b> how much customers actually pay each month, "
                "and whether that figure grows independently of the token price.</li>"
                "<li><b>Subsidy ratio:</b> the value of tokens emitted to operators compared "
                "with the value burned or paid by users.</li>"
                "<li><b>Operator economics:</b> whether a typical operator can recover "
                "hardware costs without assuming the token price rises.</li>"
                "<li><b>Quality of service:</b> uptime, latency and coverage guarantees that "
                "a business customer would accept.</li>"
                "<li><b>Unlock schedule:</b> how much of the supply is still held by insiders "
                "and when it becomes tradable.</li></ul>"
                "<p>A network that scores well on these questions can survive a falling token "
                "price, because operators are earning from real usage. A network that scores "
                "poorly often sees operators switch off their hardware as soon as rewards "
                "shrink, which degrades the service and drives customers away. That feedback "
                "loop is the main failure mode of the sector.</p>",
            ),
            (
                "faq",
                {
                    "title": "Frequently asked questions",
                    "items": [
                        {
                            "question": "Do I need to run hardware to hold a DePIN token?",
                            "answer": (
                                "<p>No. The token usually trades on exchanges like any other "
                                "asset. Running hardware is one way to earn it, but holders who "
                                "do not operate nodes carry the same price and emission risks "
                                "without the operating income.</p>"
                            ),
                        },
                        {
                            "question": "Is running a DePIN node the same as Bitcoin mining?",
                            "answer": (
                                "<p>Only loosely. Bitcoin miners secure a ledger by spending "
                                "energy on proof of work. DePIN operators are paid for "
                                "providing a specific service, such as coverage or storage, "
                                "and the proof they submit is about that service.</p>"
                            ),
                        },
                        {
                            "question": "What is the biggest risk in the sector?",
                            "answer": (
                                "<p>In our view, demand that never materializes. Without "
                                "paying customers, token rewards are a subsidy funded by "
                                "buyers of the token, and subsidies eventually run out.</p>"
                            ),
                        },
                    ],
                },
            ),
            (
                "call_to_action",
                {
                    "headline": "Explore more crypto basics",
                    "text": (
                        "New to the space? Our explainers walk through the building blocks "
                        "one concept at a time."
                    ),
                    "button_text": "Browse explainers",
                    "button_url": "/blog/",
                },
            ),
            ("disclaimer", _STANDARD_DISCLAIMER),
        ],
    },
    # ------------------------------------------------------------------ 2
    {
        "slug": "ai-tokens-narrative",
        "title": "AI tokens: separating the narrative from the network",
        "summary": (
            "Tokens linked to artificial intelligence have become one of the market's most "
            "durable themes. We break the sector into its main segments, look at what each "
            "one actually sells, and suggest a checklist for telling a working product apart "
            "from a ticker riding a headline."
        ),
        "category": "market-analysis",
        "authors": ["mara-lindqvist"],
        "date": "2026-10-21",
        "tags": ["ai", "narratives", "compute"],
        "sponsored": False,
        "sponsor_name": "",
        "cover_colors": ["#1a0b3a", "#a371f7"],
        "body": [
            (
                "paragraph",
                "<p>Few themes have pulled as much attention into crypto markets as "
                "artificial intelligence. Every major model release, chip earnings report or "
                "research breakthrough tends to ripple through a basket of tokens that "
                "describe themselves as AI projects. Some of those tokens are attached to "
                "real networks with paying users. Others borrowed the label after the fact. "
                "For anyone researching the sector, the first job is to sort one group from "
                "the other.</p>"
                "<p>The overlap between AI and crypto is not purely marketing. Training and "
                "running models needs enormous amounts of compute, data and coordination, and "
                "open networks can in principle pool those resources from many contributors. "
                "Blockchains can also provide payment rails for software agents that need to "
                "transact without a bank account. The question is how much of that potential "
                "has turned into usage.</p>",
            ),
            ("heading", {"text": "Four segments inside the AI token sector", "level": "h2"}),
            (
                "paragraph",
                "<p>We find it useful to split the sector into four groups, each with a "
                "different business model:</p><ul>"
                "<li><b>Compute marketplaces:</b> networks that rent out GPU capacity from "
                "independent providers to developers who need to train or run models. They "
                "overlap heavily with <a href=\"/blog/what-is-depin/\">DePIN</a>.</li>"
                "<li><b>Data and training networks:</b> protocols that reward contributors "
                "for supplying, labelling or validating data, or that coordinate open model "
                "training across many machines.</li>"
                "<li><b>Agent platforms:</b> frameworks and launchpads for autonomous "
                "software agents that hold wallets, trade, post content or call other "
                "services on-chain.</li>"
                "<li><b>Verification and inference:</b> projects that try to prove a given "
                "model produced a given output, using cryptography or economic "
                "incentives.</li></ul>",
            ),
            (
                "table",
                {
                    "caption": "What each AI token segment sells and what to check",
                    "rows": [
                        ["Segment", "Product", "Evidence of traction"],
                        [
                            "Compute marketplaces",
                            "GPU hours",
                            "Paid utilisation rate and repeat customers",
                        ],
                        [
                            "Data and training",
                            "Datasets and model training",
                            "Models actually used outside the network",
                        ],
                        [
                            "Agent platforms",
                            "Agent tooling and launches",
                            "Active agents with real transaction volume",
                        ],
                        [
                            "Verification",
                            "Proofs of inference",
                            "Applications that pay for proofs",
                        ],
                    ],
                },
            ),
            (
                "image",
                {
                    "alt_text": (
                        "Illustrative bar chart of relative attention across four AI token "
                        "segments, with compute marketplaces leading"
                    ),
                    "caption": (
                        "Attention and usage do not always line up: share of social mentions "
                        "versus estimated paid usage by segment (illustrative)."
                    ),
                    "source": "Token Research analysis",
                },
            ),
            ("heading", {"text": "Why the narrative runs ahead of usage", "level": "h2"}),
            (
                "paragraph",
                "<p>AI tokens often trade on news that has nothing to do with their own "
                "networks. A strong quarter from a chip designer or a new frontier model can "
                "lift the whole basket in a day, even though none of the tokens gained a "
                "single customer. This makes the sector highly correlated internally and "
                "prone to sharp reversals when the wider AI trade cools.</p>"
                "<p>Agent tokens have been especially volatile. Launching an agent with its "
                "own token became cheap and fast, and many were created with little more than "
                "a social media persona attached. A small number of agent frameworks built "
                "genuine developer communities; a much larger number faded within weeks. Low "
                "barriers to launch are good for experimentation, but they mean survivorship "
                "bias distorts any backward-looking chart of the segment.</p>",
            ),
            (
                "quote",
                {
                    "text": (
                        "A token that rises on someone else's earnings call is expressing a "
                        "narrative, not a business. The work is finding the few where usage "
                        "would still be there if the headlines stopped."
                    ),
                    "attribution": "Mara Lindqvist, Senior Research Analyst",
                },
            ),
            ("heading", {"text": "A checklist for AI token research", "level": "h2"}),
            (
                "paragraph",
                "<p>Before treating an AI token as more than a momentum trade, we ask:</p><ol>"
                "<li><b>Who pays?</b> Identify the customer and what they pay for. Token "
                "incentives handed to users do not count as demand.</li>"
                "<li><b>Is decentralization necessary?</b> If a centralized service could do "
                "the same job more cheaply, the token may be adding friction rather than "
                "value.</li>"
                "<li><b>How is value captured?</b> Check whether fees flow to token holders, "
                "are burned, or bypass the token entirely.</li>"
                "<li><b>What does the supply schedule look like?</b> Many AI projects "
                "launched with large allocations to investors and teams that unlock over "
                "several years.</li>"
                "<li><b>Is the code alive?</b> Public repositories, documentation and "
                "developer activity are imperfect signals, but an abandoned codebase is a "
                "clear warning.</li></ol>"
                "<p>None of these checks tells you where a price is going next. They do help "
                "distinguish projects that might still be relevant once AI becomes an "
                "ordinary part of the technology stack from those whose main asset is a "
                "well-timed ticker. Over a full cycle, that distinction has tended to matter "
                "more than any single news event.</p>",
            ),
            (
                "faq",
                {
                    "title": "Frequently asked questions",
                    "items": [
                        {
                            "question": "Are AI tokens a good way to get exposure to AI?",
                            "answer": (
                                "<p>They are a narrow and volatile one. Most AI value today is "
                                "captured by chip makers, cloud providers and model "
                                "developers, none of which are represented by crypto tokens. "
                                "AI tokens add crypto-specific risks on top of the theme.</p>"
                            ),
                        },
                        {
                            "question": "Why do AI tokens tend to move together?",
                            "answer": (
                                "<p>Traders often buy and sell the group as a basket in "
                                "response to broad AI news, so in the short term sector "
                                "sentiment matters more than any one project's "
                                "fundamentals.</p>"
                            ),
                        },
                    ],
                },
            ),
            (
                "call_to_action",
                {
                    "headline": "Read our grading methodology",
                    "text": "See how we score tokens from a trader's and an investor's view.",
                    "button_text": "How grades work",
                    "button_url": "/blog/how-grading-models-score-tokens/",
                },
            ),
            ("disclaimer", _STANDARD_DISCLAIMER),
        ],
    },
    # ------------------------------------------------------------------ 3
    {
        "slug": "bitcoin-halving-cycles",
        "title": "Bitcoin halving cycles: what the past four tell us, and what they don't",
        "summary": (
            "Every 210,000 blocks, the new bitcoin issued to miners is cut in half. Four "
            "halvings have now passed, most recently in April 2024. We review how supply, "
            "miner economics and price behaved around each one, and why a sample of four "
            "makes confident forecasts risky."
        ),
        "category": "market-analysis",
        "authors": ["tobias-renner"],
        "date": "2026-06-09",
        "tags": ["bitcoin", "halving", "cycles"],
        "sponsored": False,
        "sponsor_name": "",
        "cover_colors": ["#2b1400", "#f7931a"],
        "body": [
            (
                "paragraph",
                "<p>Bitcoin's monetary policy is written into its code. New coins enter "
                "circulation as a reward to miners for each block they add to the chain, and "
                "that reward is cut in half every 210,000 blocks, which works out to roughly "
                "every four years. The schedule continues until issuance approaches zero, "
                "capping total supply at just under 21 million coins. No central bank votes "
                "on it, and so far no proposal to change it has come close to gaining "
                "support.</p>"
                "<p>Because the halving is predictable to the block, it has become one of the "
                "most discussed events in the crypto calendar. Many market participants "
                "organize their whole view of Bitcoin around a four-year cycle anchored on "
                "halvings. Before leaning on that framework, it is worth looking at exactly "
                "what has happened so far.</p>",
            ),
            ("heading", {"text": "The halving record", "level": "h2"}),
            (
                "table",
                {
                    "caption": "Bitcoin halvings to date (block reward shown after each event)",
                    "rows": [
                        ["Halving", "Approximate date", "Block height", "Reward after (BTC)"],
                        ["First", "November 2012", "210,000", "25"],
                        ["Second", "July 2016", "420,000", "12.5"],
                        ["Third", "May 2020", "630,000", "6.25"],
                        ["Fourth", "April 2024", "840,000", "3.125"],
                        ["Fifth (expected)", "Around 2028", "1,050,000", "1.5625"],
                    ],
                },
            ),
            (
                "paragraph",
                "<p>After the April 2024 halving, roughly 450 new bitcoin are created per "
                "day, down from about 900 before it. Since more than 19 million coins had "
                "already been mined by then, each successive halving changes the annual "
                "inflation rate by a smaller absolute amount. Bitcoin's issuance is now below "
                "1% of supply per year, lower than most estimates of gold's annual supply "
                "growth.</p>",
            ),
            (
                "image",
                {
                    "alt_text": (
                        "Illustrative step chart showing the block reward falling in halves "
                        "from 50 to 3.125 BTC while circulating supply curves toward 21 million"
                    ),
                    "caption": (
                        "The issuance schedule: each step down is a halving, while total "
                        "supply approaches its cap ever more slowly."
                    ),
                    "source": "Token Research analysis",
                },
            ),
            ("heading", {"text": "What happened around previous halvings", "level": "h2"}),
            (
                "paragraph",
                "<p>In each of the first three cycles, Bitcoin reached a new all-time high "
                "somewhere between about a year and a year and a half after the halving, "
                "followed by a deep drawdown. That pattern is the foundation of the four-year "
                "cycle thesis. The usual explanation is a supply shock: miners, who are the "
                "most consistent sellers because they must cover electricity and hardware "
                "costs, suddenly have half as many new coins to sell, while demand stays the "
                "same or grows.</p>"
                "<p>There are good reasons to treat that explanation with caution:</p><ul>"
                "<li><b>Small sample:</b> four events are not enough to separate a causal "
                "pattern from coincidence, especially when each cycle overlapped with very "
                "different macro conditions.</li>"
                "<li><b>Shrinking impact:</b> the number of coins removed from daily issuance "
                "halves every time, so the supply effect relative to trading volume gets "
                "smaller with each event.</li>"
                "<li><b>Anticipation:</b> a perfectly predictable event can be priced in "
                "advance by traders who expect the pattern, which weakens it.</li>"
                "<li><b>New demand sources:</b> the approval of US spot Bitcoin "
                "exchange-traded funds in January 2024 opened a large channel of demand that "
                "had nothing to do with the halving schedule.</li></ul>"
                "<p>The 2024 cycle already looked different from its predecessors. Bitcoin "
                "set a new all-time high in March 2024, before the halving rather than after "
                "it, which had not happened in earlier cycles. Many analysts attributed that "
                "to fund inflows, a reminder that the halving is only one input among "
                "many.</p>",
            ),
            (
                "quote",
                {
                    "text": (
                        "The halving is the one thing in Bitcoin you can schedule to the block. "
                        "Everything that happens to price around it is still a forecast."
                    ),
                    "attribution": "Tobias Renner, Head of Market Analysis",
                },
            ),
            ("heading", {"text": "Miner economics after the halving", "level": "h2"}),
            (
                "paragraph",
                "<p>The halving's most reliable effect is on miners rather than on price. "
                "Overnight, revenue per unit of computing power falls by roughly half unless "
                "the price or transaction fees rise to compensate. Less efficient operators "
                "switch off machines or sell out, and the industry consolidates towards "
                "miners with cheap power and newer hardware. Watching hashrate, hashprice and "
                "miner balances on-chain gives a more grounded view of post-halving stress "
                "than any cycle chart.</p>"
                "<p>Over the long run, the shrinking subsidy raises a structural question: "
                "whether transaction fees will eventually be large enough to pay for the "
                "network's security. That debate will take decades to resolve, but each "
                "halving moves it a little closer to the foreground.</p>",
            ),
            ("heading", {"text": "Using the halving sensibly in research", "level": "h2"}),
            (
                "paragraph",
                "<p>None of this makes the halving irrelevant. It is better treated as one "
                "scheduled input in a broader framework than as a countdown timer. In our own "
                "work we combine it with several other lenses:</p><ul>"
                "<li><b>Liquidity conditions:</b> global interest rates and dollar liquidity "
                "have shaped every major Bitcoin rally, and arguably explain more of each "
                "cycle than the halving itself.</li>"
                "<li><b>Holder behaviour:</b> on-chain data on how long coins have sat "
                "unmoved helps show whether long-term holders are accumulating or selling "
                "into strength.</li>"
                "<li><b>Institutional flows:</b> daily creation and redemption data from "
                "exchange-traded funds now offers a direct view of one large demand "
                "channel.</li>"
                "<li><b>Miner health:</b> a wave of forced miner selling after a halving can "
                "weigh on price in the short term, while a well-capitalized mining sector "
                "reduces that pressure.</li></ul>"
                "<p>The most honest summary is that halvings reliably change Bitcoin's supply "
                "schedule and miner economics, and have historically coincided with strong "
                "markets, but that the link between the two is looser and less predictable "
                "than popular cycle charts suggest. Anyone using a cycle framework should "
                "size positions as if the pattern might fail, because one day it "
                "probably will.</p>",
            ),
            (
                "faq",
                {
                    "title": "Frequently asked questions",
                    "items": [
                        {
                            "question": "When is the next Bitcoin halving?",
                            "answer": (
                                "<p>It is expected at block 1,050,000. At the usual pace of "
                                "roughly one block every ten minutes, that points to some time "
                                "in 2028. The exact date depends on how quickly blocks are "
                                "found.</p>"
                            ),
                        },
                        {
                            "question": "Does the halving reduce the number of bitcoin in "
                            "existence?",
                            "answer": (
                                "<p>No. It reduces the rate at which new coins are created. "
                                "Coins already in circulation are unaffected.</p>"
                            ),
                        },
                        {
                            "question": "Will the four-year cycle continue?",
                            "answer": (
                                "<p>Nobody knows. The pattern has held loosely for several "
                                "cycles, but changing market structure, larger institutional "
                                "flows and the shrinking size of each supply cut all suggest it "
                                "may be less reliable than in the past.</p>"
                            ),
                        },
                    ],
                },
            ),
            (
                "call_to_action",
                {
                    "headline": "Follow our market analysis",
                    "text": "Our desk publishes regular notes on cycles, flows and on-chain data.",
                    "button_text": "Read market analysis",
                    "button_url": "/blog/",
                },
            ),
            ("disclaimer", _STANDARD_DISCLAIMER),
        ],
    },
    # ------------------------------------------------------------------ 4
    {
        "slug": "how-to-read-trading-volume",
        "title": "How to read a token's trading volume without being fooled by it",
        "summary": (
            "Trading volume is one of the first numbers people check on a token page and one "
            "of the easiest to misread. This guide explains where the figure comes from, how "
            "wash trading and derivatives can inflate it, and which complementary metrics "
            "give a more honest picture of liquidity."
        ),
        "category": "crypto-basics",
        "authors": ["ines-halloran", "tobias-renner"],
        "date": "2026-07-14",
        "tags": ["trading", "liquidity", "market-data"],
        "sponsored": False,
        "sponsor_name": "",
        "cover_colors": ["#062a23", "#3fb950"],
        "body": [
            (
                "paragraph",
                "<p>Open any token page on a market data site and, right next to the price, "
                "you will find a 24-hour trading volume. It looks like a simple measure of "
                "interest: more volume, more people trading, more confidence that you can "
                "buy or sell without moving the price. In practice, the figure is an "
                "aggregate of reports from many venues, some more trustworthy than others, "
                "and it can be inflated in several ways.</p>"
                "<p>Volume is still useful. Read alongside a few other numbers, it can tell "
                "you whether a token is liquid enough for the position you have in mind, "
                "whether a price move has broad participation behind it, and whether "
                "something unusual is going on. The trick is knowing what sits inside the "
                "headline figure.</p>",
            ),
            ("heading", {"text": "Where the number comes from", "level": "h2"}),
            (
                "paragraph",
                "<p>Aggregators add up trades reported by centralized exchanges and, "
                "increasingly, trades settled on decentralized exchanges. Several things "
                "affect the quality of that sum:</p><ul>"
                "<li><b>Spot versus derivatives:</b> most headline figures count spot trading "
                "only, but perpetual futures volume on large tokens is often several times "
                "higher and reported separately. Mixing the two leads to confusing "
                "comparisons.</li>"
                "<li><b>Exchange quality:</b> venues with weak oversight have historically "
                "reported volume that could not be reconciled with their order books or "
                "website traffic.</li>"
                "<li><b>Wash trading:</b> the same party trading with itself creates volume "
                "without any change in ownership, often to climb rankings or attract "
                "listings.</li>"
                "<li><b>Incentive programmes:</b> trading competitions and fee rebates can "
                "temporarily multiply volume without attracting lasting users.</li></ul>",
            ),
            (
                "image",
                {
                    "alt_text": (
                        "Illustrative dual-axis chart with daily volume bars spiking on a "
                        "listing day while order book depth stays flat"
                    ),
                    "caption": (
                        "A volume spike without a matching rise in depth is a signal to look "
                        "closer."
                    ),
                    "source": "Token Research analysis",
                },
            ),
            ("heading", {"text": "Metrics to read alongside volume", "level": "h2"}),
            (
                "table",
                {
                    "caption": "Complementary liquidity metrics",
                    "rows": [
                        ["Metric", "What it tells you", "Warning sign"],
                        [
                            "Volume to market cap",
                            "How actively the supply turns over",
                            "Very high ratios on small, obscure tokens",
                        ],
                        [
                            "Order book depth (±2%)",
                            "How much can trade before the price moves 2%",
                            "Depth tiny relative to reported volume",
                        ],
                        [
                            "Bid-ask spread",
                            "The cost of an immediate round trip",
                            "Wide spreads despite high volume",
                        ],
                        [
                            "Venue concentration",
                            "Share of volume on the top exchange",
                            "One lightly regulated venue dominates",
                        ],
                        [
                            "Unique on-chain traders",
                            "Breadth of participation on DEXs",
                            "Volume driven by a handful of wallets",
                        ],
                    ],
                },
            ),
            (
                "paragraph",
                "<p>Depth is the metric we lean on most. It measures how much of a token is "
                "resting on the order book within a given distance of the current price, "
                "typically two percent on either side. Real liquidity shows up as depth; "
                "fake volume usually does not, because wash traders have no reason to leave "
                "large orders sitting on the book. If a token reports tens of millions in "
                "daily volume but only a few thousand dollars of depth, the volume figure is "
                "not describing a market you could actually trade in.</p>"
                "<p>The volume-to-market-cap ratio is a quick sanity check. Large, "
                "established assets tend to turn over a modest fraction of their value each "
                "day. A small token trading several times its market cap daily is either in "
                "the middle of a speculative frenzy or reporting numbers that deserve "
                "skepticism.</p>",
            ),
            ("heading", {"text": "Reading volume around price moves", "level": "h2"}),
            (
                "paragraph",
                "<p>Context matters as much as the raw figure. A breakout to new highs on "
                "rising spot volume across several reputable venues suggests broad "
                "participation. The same move on thin volume, or driven mainly by "
                "derivatives, is more fragile and can unwind quickly when leveraged "
                "positions are closed. Volume also tends to spike around scheduled events "
                "such as exchange listings and token unlocks, and those spikes often fade "
                "within days.</p>"
                "<p>A simple habit helps: before acting on a volume number, open the market "
                "breakdown on your data source, check which venues contribute most, and "
                "glance at depth and spreads. It takes a minute and filters out a large share "
                "of misleading signals.</p>",
            ),
            (
                "faq",
                {
                    "title": "Frequently asked questions",
                    "items": [
                        {
                            "question": "Is high trading volume always a good sign?",
                            "answer": (
                                "<p>No. High volume can reflect genuine interest, but it can "
                                "also reflect wash trading, incentive programmes or a rush for "
                                "the exit. Check where it comes from and whether depth "
                                "supports it.</p>"
                            ),
                        },
                        {
                            "question": "What is wash trading?",
                            "answer": (
                                "<p>Buying and selling the same asset with yourself, or with a "
                                "cooperating party, to create the appearance of activity. No "
                                "ownership actually changes hands.</p>"
                            ),
                        },
                        {
                            "question": "Should I include derivatives volume?",
                            "answer": (
                                "<p>For large tokens it helps explain short-term price moves, "
                                "but keep it separate from spot volume when judging how easily "
                                "you could buy or sell the token itself.</p>"
                            ),
                        },
                    ],
                },
            ),
            (
                "call_to_action",
                {
                    "headline": "Build your crypto toolkit",
                    "text": "Pair this guide with our articles on position sizing and grading.",
                    "button_text": "Keep learning",
                    "button_url": "/blog/risk-management-position-sizing/",
                },
            ),
            ("disclaimer", _STANDARD_DISCLAIMER),
        ],
    },
    # ------------------------------------------------------------------ 5
    {
        "slug": "stablecoins-explained",
        "title": "Stablecoins explained: how a dollar ends up on a blockchain",
        "summary": (
            "Stablecoins are the plumbing of crypto markets, used for trading, payments and "
            "saving in places with unstable currencies. We explain the main designs, what "
            "backs each one, why some have lost their peg, and what newer regulatory "
            "frameworks ask of the companies that issue them."
        ),
        "category": "crypto-basics",
        "authors": ["ines-halloran"],
        "date": "2026-06-23",
        "tags": ["stablecoins", "payments", "regulation"],
        "sponsored": False,
        "sponsor_name": "",
        "cover_colors": ["#0a2a2a", "#2bb3a3"],
        "body": [
            (
                "paragraph",
                "<p>A stablecoin is a token designed to hold a steady value, almost always "
                "one US dollar. It combines the stability of a familiar currency with the "
                "properties of a crypto asset: it can be sent anywhere in minutes, held in a "
                "self-custody wallet and used inside decentralized applications. That "
                "combination has made stablecoins the most widely used product in crypto by "
                "a large margin, with total supply measured in the hundreds of billions of "
                "dollars.</p>"
                "<p>Traders use them as a parking spot between positions. Businesses use "
                "them to settle cross-border invoices outside banking hours. In countries "
                "with high inflation or capital controls, individuals use them as a way to "
                "hold dollars. Underneath all of these uses sits the same question: what "
                "keeps the token worth a dollar?</p>",
            ),
            ("heading", {"text": "The main designs", "level": "h2"}),
            (
                "paragraph",
                "<p>Stablecoins differ mainly in what backs them and how the peg is "
                "defended:</p><ul>"
                "<li><b>Fiat-backed:</b> a company holds cash and short-term government debt "
                "in reserve and issues one token for each dollar deposited. Users with an "
                "account can redeem tokens for dollars, which keeps the market price close to "
                "one.</li>"
                "<li><b>Crypto-collateralized:</b> users lock more crypto than they borrow, "
                "for example 150 dollars of ether to mint 100 stablecoins. If the collateral "
                "value falls too far, positions are liquidated automatically.</li>"
                "<li><b>Synthetic:</b> the protocol holds crypto plus an offsetting short "
                "derivatives position so that price moves cancel out, earning funding "
                "payments along the way.</li>"
                "<li><b>Algorithmic:</b> supply is expanded or contracted by code, sometimes "
                "with little or no external collateral.</li></ul>",
            ),
            (
                "table",
                {
                    "caption": "Stablecoin designs compared",
                    "rows": [
                        ["Design", "Backing", "Main risk"],
                        [
                            "Fiat-backed",
                            "Cash and short-term treasuries",
                            "Issuer, custodian and banking risk",
                        ],
                        [
                            "Crypto-collateralized",
                            "Over-collateralized crypto",
                            "Collateral crashes and oracle failures",
                        ],
                        [
                            "Synthetic",
                            "Crypto plus short derivatives",
                            "Negative funding and exchange risk",
                        ],
                        [
                            "Algorithmic",
                            "Mostly protocol incentives",
                            "Reflexive collapse in a run",
                        ],
                    ],
                },
            ),
            (
                "image",
                {
                    "alt_text": (
                        "Illustrative line chart of a stablecoin price hovering at one dollar, "
                        "with a brief dip below the peg and a recovery"
                    ),
                    "caption": (
                        "A depeg and recovery: how quickly arbitrage restores the peg depends "
                        "on redemption access and confidence in reserves."
                    ),
                    "source": "Token Research analysis",
                },
            ),
            ("heading", {"text": "When the peg breaks", "level": "h2"}),
            (
                "paragraph",
                "<p>Stablecoins are only as stable as the mechanism behind them, and history "
                "offers clear examples. In May 2022, the TerraUSD algorithmic stablecoin lost "
                "its peg and collapsed within days, taking its sister token and tens of "
                "billions of dollars of value with it. Its design depended on confidence, and "
                "once confidence went, the mechanism accelerated the fall rather than "
                "stopping it.</p>"
                "<p>Fiat-backed designs are not immune. In March 2023, USD Coin briefly "
                "traded well below a dollar after its issuer disclosed that part of its "
                "reserves sat at Silicon Valley Bank, which had just failed. The peg "
                "recovered once it became clear that deposits would be protected, but the "
                "episode showed that even cash-backed stablecoins carry the risks of the "
                "banks that hold their reserves.</p>",
            ),
            (
                "quote",
                {
                    "text": (
                        "Stable describes the goal, not a guarantee. Every stablecoin is a "
                        "promise, and the question is always who makes it and what stands "
                        "behind it."
                    ),
                    "attribution": "Ines Halloran, Education Lead",
                },
            ),
            ("heading", {"text": "Regulation and transparency", "level": "h2"}),
            (
                "paragraph",
                "<p>Regulators have spent the past few years writing rules specifically for "
                "stablecoin issuers. The European Union's Markets in Crypto-Assets regulation "
                "introduced licensing and reserve requirements, and the United States adopted "
                "a federal framework for payment stablecoins in 2025. The details vary, but "
                "the common themes are high-quality liquid reserves, regular independent "
                "reporting and clear redemption rights for holders.</p>"
                "<p>For users, a few habits go a long way: prefer stablecoins that publish "
                "frequent reserve reports from recognized accounting firms, understand "
                "whether you personally can redeem or must rely on the market, and avoid "
                "concentrating large balances with a single issuer. A stablecoin is a claim "
                "on something, and it is worth knowing exactly what.</p>",
            ),
            (
                "faq",
                {
                    "title": "Frequently asked questions",
                    "items": [
                        {
                            "question": "Do stablecoins pay interest?",
                            "answer": (
                                "<p>Most fiat-backed stablecoins do not pay holders directly; "
                                "the issuer keeps the interest earned on reserves. Some "
                                "platforms offer yield on stablecoin deposits, but that yield "
                                "comes with extra lending or protocol risk.</p>"
                            ),
                        },
                        {
                            "question": "Are stablecoins insured like bank deposits?",
                            "answer": (
                                "<p>Generally not. Holders are usually not covered by deposit "
                                "insurance, which is one reason the quality and segregation of "
                                "reserves matters so much.</p>"
                            ),
                        },
                    ],
                },
            ),
            (
                "call_to_action",
                {
                    "headline": "New to crypto?",
                    "text": "Start with our explainers on the core building blocks of the market.",
                    "button_text": "Start learning",
                    "button_url": "/blog/",
                },
            ),
            ("disclaimer", _STANDARD_DISCLAIMER),
        ],
    },
    # ------------------------------------------------------------------ 6
    {
        "slug": "real-world-asset-tokenization",
        "title": "Real-world asset tokenization: what actually moves on-chain",
        "summary": (
            "Tokenized treasuries, private credit and fund shares have grown from experiments "
            "into a real market segment. We look at how a real-world asset is represented as "
            "a token, where the legal claim actually sits, why government debt led the way, "
            "and which risks on-chain investors tend to underestimate."
        ),
        "category": "research",
        "authors": ["mara-lindqvist"],
        "date": "2026-08-05",
        "tags": ["rwa", "tokenization", "treasuries", "defi"],
        "sponsored": False,
        "sponsor_name": "",
        "cover_colors": ["#1b1a0a", "#d4a72c"],
        "body": [
            (
                "paragraph",
                "<p>Tokenization means representing ownership of an asset as a token on a "
                "blockchain. For real-world assets, or RWAs, that asset lives off-chain: a "
                "government bond, a loan book, a building, a bar of gold. The token is a "
                "digital record of a claim on it. When the structure works, the token can be "
                "transferred, used as collateral and settled around the clock, while the "
                "underlying asset stays with a regulated custodian or on a fund's balance "
                "sheet.</p>"
                "<p>After years of pilots, the segment found product-market fit in an "
                "unglamorous place: short-term US government debt. Tokenized treasury funds "
                "let crypto-native treasuries and protocols earn a government-bond yield "
                "without leaving the blockchain, and several large traditional asset managers "
                "have launched their own versions. Private credit, commodities and fund "
                "shares have followed.</p>",
            ),
            ("heading", {"text": "How a tokenized asset is structured", "level": "h2"}),
            (
                "paragraph",
                "<p>Most RWA products follow a similar pattern, with differences in who plays "
                "each role:</p><ul>"
                "<li><b>Legal wrapper:</b> a fund, trust or special-purpose vehicle owns the "
                "real asset. Token holders own shares or notes in that vehicle, not the asset "
                "directly.</li>"
                "<li><b>Custodian:</b> a regulated institution holds the underlying "
                "securities, cash or physical goods.</li>"
                "<li><b>Issuer and transfer agent:</b> an entity mints and burns tokens as "
                "investors subscribe and redeem, and keeps the official register.</li>"
                "<li><b>Oracle or administrator:</b> someone reports the net asset value "
                "on-chain so that applications know what each token is worth.</li>"
                "<li><b>Compliance layer:</b> allow-lists or transfer restrictions ensure "
                "tokens only move between verified holders where securities law requires "
                "it.</li></ul>"
                "<p>This structure explains why RWAs feel different from native crypto "
                "assets. A tokenized treasury fund may live on a public chain, but only "
                "approved wallets can hold it, redemptions may settle only on business days, "
                "and the issuer can freeze or reissue tokens under a court order. The "
                "blockchain makes the claim portable; it does not make it "
                "permissionless.</p>",
            ),
            (
                "image",
                {
                    "alt_text": (
                        "Illustrative stacked area chart showing growth of tokenized "
                        "treasuries, private credit and commodities over several years"
                    ),
                    "caption": (
                        "Tokenized RWA value by category, in illustrative form: government "
                        "debt has been the largest driver of growth."
                    ),
                    "source": "Token Research analysis",
                },
            ),
            ("heading", {"text": "Why treasuries led the way", "level": "h2"}),
            (
                "paragraph",
                "<p>It is worth asking why government debt, of all assets, became the "
                "breakout product. Part of the answer is timing. When interest rates rose "
                "sharply in 2022 and 2023, stablecoin holders and protocol treasuries were "
                "sitting on large dollar balances that earned nothing on-chain, while "
                "short-term bonds suddenly paid a meaningful yield. Tokenized treasury funds "
                "closed that gap. The other part of the answer is simplicity: treasuries are "
                "liquid, easy to value every day and well understood by regulators, which "
                "makes the legal and operational work far easier than for a loan book or a "
                "building.</p>"
                "<p>Real estate, often cited as the flagship use case in early tokenization "
                "pitches, has moved more slowly. Property is hard to value frequently, legal "
                "title is governed by local land registries that do not recognize tokens, and "
                "the buyers who want fractional exposure can usually get it through listed "
                "property funds already. Tokenization solves a distribution problem that "
                "many real estate investors do not feel they have.</p>",
            ),
            (
                "table",
                {
                    "caption": "Major RWA categories at a glance",
                    "rows": [
                        ["Category", "Typical return source", "Key risk to check"],
                        [
                            "Tokenized treasuries",
                            "Short-term government bonds",
                            "Redemption terms and issuer operations",
                        ],
                        [
                            "Private credit",
                            "Loans to businesses",
                            "Borrower defaults and opaque underwriting",
                        ],
                        [
                            "Commodities",
                            "Price exposure to gold and similar assets",
                            "Custody audits and redemption access",
                        ],
                        [
                            "Real estate",
                            "Rent and property value",
                            "Illiquidity and legal enforceability",
                        ],
                    ],
                },
            ),
            ("heading", {"text": "Risks investors underestimate", "level": "h2"}),
            (
                "paragraph",
                "<p>Because these tokens trade like crypto, it is tempting to judge them like "
                "crypto. Several risks deserve more attention than they usually get:</p><ul>"
                "<li><b>Counterparty risk:</b> it does not disappear; it moves to the issuer, "
                "custodian and administrator.</li>"
                "<li><b>Liquidity mismatch:</b> a token may trade instantly on-chain while the "
                "underlying asset, such as a private loan, cannot be sold quickly.</li>"
                "<li><b>Oracle risk:</b> protocols may accept RWA tokens as collateral based "
                "on a reported price that updates only once a day.</li>"
                "<li><b>Legal risk:</b> in many jurisdictions, courts have yet to rule on how "
                "token holders' claims rank in an insolvency.</li></ul>"
                "<p>Private credit deserves particular care. Several on-chain lending pools "
                "have suffered defaults where borrowers failed to repay, and recoveries were "
                "slow because the legal work happened off-chain. Yield in this segment is "
                "compensation for credit risk, not a free feature of the technology.</p>",
            ),
            (
                "quote",
                {
                    "text": (
                        "Tokenization changes how a claim moves, not what the claim is worth. "
                        "Read the offering documents before you read the dashboard."
                    ),
                    "attribution": "Mara Lindqvist, Senior Research Analyst",
                },
            ),
            ("heading", {"text": "What we watch next", "level": "h2"}),
            (
                "paragraph",
                "<p>The most interesting developments are about integration rather than "
                "issuance. RWA tokens are increasingly used as collateral in decentralized "
                "lending, as reserve assets for stablecoins and as settlement instruments "
                "between institutions. If those uses deepen, tokenized assets could become "
                "the bridge that connects on-chain finance to the much larger traditional "
                "market. If they stall, tokenization may remain a more convenient wrapper for "
                "a small set of products. Either way, the structure underneath is what "
                "determines the risk.</p>",
            ),
            (
                "faq",
                {
                    "title": "Frequently asked questions",
                    "items": [
                        {
                            "question": "Can anyone buy tokenized treasuries?",
                            "answer": (
                                "<p>Often not. Many products are restricted to qualified or "
                                "institutional investors and to wallets that have passed "
                                "identity checks. Availability depends on the issuer and on "
                                "where you live.</p>"
                            ),
                        },
                        {
                            "question": "Is a tokenized asset safer than the original?",
                            "answer": (
                                "<p>No. It carries the risks of the underlying asset plus "
                                "additional technical and operational risks from the token "
                                "layer.</p>"
                            ),
                        },
                    ],
                },
            ),
            ("disclaimer", _STANDARD_DISCLAIMER),
        ],
    },
    # ------------------------------------------------------------------ 7
    {
        "slug": "layer-2-rollups-explained",
        "title": "Layer-2 rollups explained: how Ethereum scales without changing its base",
        "summary": (
            "Rollups process transactions away from Ethereum's main chain and post compressed "
            "results back to it, cutting fees while borrowing its security. This explainer "
            "covers optimistic and zero-knowledge rollups, what sequencers do, and how to "
            "judge how decentralized a given layer-2 really is."
        ),
        "category": "crypto-basics",
        "authors": ["ines-halloran"],
        "date": "2026-08-19",
        "tags": ["ethereum", "layer-2", "rollups", "scaling"],
        "sponsored": False,
        "sponsor_name": "",
        "cover_colors": ["#0d1b3d", "#58a6ff"],
        "body": [
            (
                "paragraph",
                "<p>Ethereum's base layer can only process a limited number of transactions "
                "per block. When demand spikes, users bid against each other for that space "
                "and fees rise. Rather than making the base layer much larger, which would "
                "make it harder for ordinary participants to run a node, the Ethereum "
                "community has largely chosen to scale through layer-2 networks built on top "
                "of it. The most important family of these is the rollup.</p>"
                "<p>A rollup executes transactions on its own chain, bundles many of them "
                "together, and publishes the compressed data plus a commitment to the "
                "resulting state on Ethereum. Because Ethereum stores the data and settles "
                "disputes, users can in principle reconstruct the rollup's state and withdraw "
                "their funds even if the rollup's operator disappears. That is the key "
                "difference between a rollup and an independent sidechain.</p>",
            ),
            ("heading", {"text": "Optimistic versus zero-knowledge rollups", "level": "h2"}),
            (
                "paragraph",
                "<p>The two main types differ in how they convince Ethereum that their "
                "results are correct:</p><ul>"
                "<li><b>Optimistic rollups:</b> assume batches are valid unless someone "
                "proves otherwise. Anyone watching can submit a fraud proof during a "
                "challenge window, usually about seven days, which is why native withdrawals "
                "to Ethereum take about a week.</li>"
                "<li><b>Zero-knowledge rollups:</b> attach a validity proof, a compact piece "
                "of cryptography showing the batch was computed correctly. Once Ethereum "
                "verifies the proof, the result is final, so withdrawals can be much "
                "faster.</li></ul>",
            ),
            (
                "table",
                {
                    "caption": "Optimistic and ZK rollups compared",
                    "rows": [
                        ["Feature", "Optimistic rollups", "ZK rollups"],
                        [
                            "How correctness is ensured",
                            "Fraud proofs during a challenge window",
                            "Validity proofs checked on Ethereum",
                        ],
                        ["Native withdrawal time", "About seven days", "Minutes to hours"],
                        [
                            "Compute cost",
                            "Low in normal operation",
                            "Proof generation is expensive",
                        ],
                        [
                            "EVM compatibility",
                            "Generally straightforward",
                            "Much improved, varies by design",
                        ],
                    ],
                },
            ),
            (
                "image",
                {
                    "alt_text": (
                        "Illustrative chart showing many small transactions compressed into a "
                        "single batch posted to Ethereum"
                    ),
                    "caption": (
                        "A rollup bundles many transactions and posts one compressed batch to "
                        "the base layer."
                    ),
                    "source": "Token Research analysis",
                },
            ),
            (
                "heading",
                {"text": "Sequencers and the road to decentralization", "level": "h2"},
            ),
            (
                "paragraph",
                "<p>Most rollups today rely on a single sequencer, a server that orders "
                "incoming transactions and produces blocks. A central sequencer gives fast "
                "confirmations and a smooth user experience, but it can censor or reorder "
                "transactions and is a single point of failure if it goes offline. "
                "Well-designed rollups offer an escape hatch that lets users force "
                "transactions through Ethereum directly if the sequencer misbehaves.</p>"
                "<p>Rollups also differ in who can upgrade their smart contracts. If a small "
                "multisig can change the code instantly, users are trusting that group rather "
                "than the proof system. Community trackers now grade rollups in stages, from "
                "training wheels, where operators retain broad control, to mature setups "
                "where proofs are live, upgrade delays give users time to exit and security "
                "councils have narrow powers. When choosing a layer-2, its stage tells you "
                "more about risk than its marketing does.</p>",
            ),
            ("heading", {"text": "Why fees dropped in 2024", "level": "h2"}),
            (
                "paragraph",
                "<p>Posting data to Ethereum is the biggest cost for most rollups. The "
                "Dencun upgrade in March 2024 introduced blobs, a cheaper and temporary form "
                "of data storage designed specifically for rollups. Fees on major layer-2 "
                "networks fell sharply afterwards, often to fractions of a cent for simple "
                "transfers. Later upgrades have continued to expand blob capacity, and the "
                "design of this data layer is covered in our piece on "
                "<a href=\"/blog/data-availability-layers/\">data availability "
                "layers</a>.</p>"
                "<p>For users, the practical takeaways are simple: check how a rollup "
                "settles, how long withdrawals take, who controls upgrades and whether there "
                "is a working escape hatch. Low fees are the benefit; these details are the "
                "price of admission.</p>",
            ),
            (
                "faq",
                {
                    "title": "Frequently asked questions",
                    "items": [
                        {
                            "question": "Is a layer-2 as secure as Ethereum?",
                            "answer": (
                                "<p>Not automatically. A rollup inherits Ethereum's security "
                                "only to the extent that its proofs, data publication and "
                                "upgrade controls allow. Early-stage rollups rely heavily on "
                                "their operators.</p>"
                            ),
                        },
                        {
                            "question": "Why do some bridges let me withdraw in minutes?",
                            "answer": (
                                "<p>Third-party bridges and liquidity providers front you the "
                                "funds on Ethereum and wait out the challenge period "
                                "themselves, charging a fee and adding their own smart "
                                "contract risk.</p>"
                            ),
                        },
                    ],
                },
            ),
            (
                "call_to_action",
                {
                    "headline": "Go deeper on scaling",
                    "text": "Read our research on data availability and how rollups publish data.",
                    "button_text": "Read the research",
                    "button_url": "/blog/data-availability-layers/",
                },
            ),
            ("disclaimer", _STANDARD_DISCLAIMER),
        ],
    },
    # ------------------------------------------------------------------ 8
    {
        "slug": "data-availability-layers",
        "title": "Data availability layers: the quiet market underneath rollups",
        "summary": (
            "Every rollup must publish its transaction data somewhere anyone can check it, "
            "and that requirement has created a new market. We explain what data "
            "availability means, how sampling lets light nodes verify data cheaply, and how "
            "Ethereum blobs compare with dedicated data availability networks."
        ),
        "category": "research",
        "authors": ["mara-lindqvist", "ines-halloran"],
        "date": "2026-09-02",
        "tags": ["data-availability", "rollups", "modular"],
        "sponsored": False,
        "sponsor_name": "",
        "cover_colors": ["#101828", "#7c8cff"],
        "body": [
            (
                "paragraph",
                "<p>When people discuss blockchain scaling, they usually talk about "
                "execution: how many transactions a network can process per second. For "
                "rollups, the harder constraint is less visible. A rollup is only trustworthy "
                "if the data behind its blocks is published somewhere anyone can download "
                "it. Without that data, nobody can check the operator's work, produce a fraud "
                "proof or rebuild the state to withdraw funds. This guarantee is called data "
                "availability, and it has become a market in its own right.</p>"
                "<p>Data availability is not the same as permanent storage. The requirement "
                "is that data was published and could be retrieved by anyone during the "
                "window when it matters, typically long enough for challenges to be raised "
                "and for independent parties to keep a copy. After that, archiving can be "
                "left to others.</p>",
            ),
            ("heading", {"text": "How data availability sampling works", "level": "h2"}),
            (
                "paragraph",
                "<p>The naive way to verify availability is to download every block in full, "
                "which becomes expensive as blocks grow. Data availability sampling offers a "
                "shortcut. The block producer extends the data with erasure coding, adding "
                "redundancy so that the full block can be reconstructed from any sufficiently "
                "large fraction of the pieces. Light nodes then request a small number of "
                "random pieces. If a producer withholds enough data to prevent "
                "reconstruction, random samples will quickly hit a missing piece, so each "
                "successful round gives a node high statistical confidence that the whole "
                "block is available.</p>"
                "<p>The elegant consequence is that capacity can grow as more light nodes "
                "join, because together they sample more of each block. This is what allows "
                "networks focused on data availability to offer large blocks without "
                "requiring every participant to run powerful hardware.</p>",
            ),
            (
                "image",
                {
                    "alt_text": (
                        "Illustrative grid chart of an erasure-coded data block with a few "
                        "randomly sampled cells highlighted"
                    ),
                    "caption": (
                        "Sampling in brief: light nodes check random pieces of an extended "
                        "block instead of downloading all of it."
                    ),
                    "source": "Token Research analysis",
                },
            ),
            ("heading", {"text": "The main options for rollups", "level": "h2"}),
            (
                "paragraph",
                "<p>Rollup teams now choose among several approaches, each with its own "
                "trade-offs:</p><ul>"
                "<li><b>Ethereum blobs:</b> introduced in March 2024, blobs give rollups "
                "dedicated, temporary data space secured directly by Ethereum validators. "
                "This is the most conservative choice and keeps a rollup fully within "
                "Ethereum's security model.</li>"
                "<li><b>Dedicated DA networks:</b> projects such as Celestia and Avail run "
                "their own chains optimized for publishing data, generally offering more "
                "capacity at lower cost, secured by their own validator sets and tokens.</li>"
                "<li><b>Restaked DA services:</b> designs like EigenDA borrow economic "
                "security from <a href=\"/blog/restaking-explained/\">restaked ether</a>, "
                "sitting between the two options above.</li>"
                "<li><b>Data availability committees:</b> a known group of parties attests "
                "that it holds the data. This is cheap and fast, but users must trust the "
                "committee, and systems built this way are usually called validiums rather "
                "than rollups.</li></ul>",
            ),
            (
                "table",
                {
                    "caption": "Data availability options: a simplified comparison",
                    "rows": [
                        ["Option", "Security source", "Relative cost", "Main trust assumption"],
                        [
                            "Ethereum blobs",
                            "Ethereum validators",
                            "Medium",
                            "Lowest additional trust",
                        ],
                        [
                            "Dedicated DA chain",
                            "Its own validators and token",
                            "Low",
                            "Honest majority of DA validators",
                        ],
                        [
                            "Restaked DA",
                            "Restaked ether operators",
                            "Low",
                            "Operator set and slashing design",
                        ],
                        [
                            "DA committee",
                            "Named committee members",
                            "Very low",
                            "Committee does not withhold data",
                        ],
                    ],
                },
            ),
            (
                "quote",
                {
                    "text": (
                        "Cheap data is easy to offer. What rollup teams are really buying is a "
                        "credible promise that their users can always see what happened."
                    ),
                    "attribution": "Token Research desk",
                },
            ),
            (
                "heading",
                {"text": "Why the DA market matters for token research", "level": "h2"},
            ),
            (
                "paragraph",
                "<p>For investors, data availability layers raise a familiar question in a "
                "new setting: does cheap, abundant capacity generate meaningful fee revenue? "
                "Blob pricing follows supply and demand, and for long stretches after launch "
                "the fee per blob sat close to its minimum because capacity exceeded demand. "
                "That is good for rollup users and tough for any token whose value thesis "
                "depends on data fees. Dedicated DA networks face the same tension in a "
                "sharper form, competing on price while trying to sustain a security "
                "budget.</p>"
                "<p>We therefore look at DA projects through three lenses: how many rollups "
                "rely on them in production, how much those rollups pay, and how the security "
                "budget holds up if token incentives fall. Adoption without fees can still be "
                "strategically valuable, but it should be priced as a long-term bet rather "
                "than a cash-flow story.</p>",
            ),
            (
                "faq",
                {
                    "title": "Frequently asked questions",
                    "items": [
                        {
                            "question": "Is data availability the same as storage?",
                            "answer": (
                                "<p>No. It guarantees that data was published and retrievable "
                                "for a period of time. Long-term storage and archiving are "
                                "separate problems handled by other parties.</p>"
                            ),
                        },
                        {
                            "question": "What is a validium?",
                            "answer": (
                                "<p>A system that uses validity proofs like a ZK rollup but "
                                "keeps its data off Ethereum, often with a committee. It is "
                                "cheaper but adds trust in whoever holds the data.</p>"
                            ),
                        },
                    ],
                },
            ),
            (
                "call_to_action",
                {
                    "headline": "Start with the basics",
                    "text": "Need a refresher on how rollups work before going further?",
                    "button_text": "Read the rollup explainer",
                    "button_url": "/blog/layer-2-rollups-explained/",
                },
            ),
            ("disclaimer", _STANDARD_DISCLAIMER),
        ],
    },
    # ------------------------------------------------------------------ 9
    {
        "slug": "risk-management-position-sizing",
        "title": "Position sizing and risk management for volatile crypto markets",
        "summary": (
            "Picking the right asset matters less than most people think if position sizes "
            "are wrong. This guide walks through fixed-fractional risk, volatility-adjusted "
            "sizing, correlation and leverage, with a worked example showing how one simple "
            "rule keeps a bad trade from becoming a portfolio-ending one."
        ),
        "category": "market-analysis",
        "authors": ["tobias-renner"],
        "date": "2026-09-16",
        "tags": ["risk-management", "trading", "portfolio"],
        "sponsored": False,
        "sponsor_name": "",
        "cover_colors": ["#2a0b0b", "#f85149"],
        "body": [
            (
                "paragraph",
                "<p>Ask experienced traders what separates those who last from those who do "
                "not, and position sizing comes up far more often than entry signals. Crypto "
                "assets can fall by half in weeks and by ninety percent over a full bear "
                "market. In that environment, a strategy with a genuine edge can still ruin "
                "an account if any single position is allowed to grow too large. Risk "
                "management is not about avoiding losses; it is about keeping losses small "
                "enough to recover from.</p>"
                "<p>The mathematics of drawdowns is unforgiving. A 10% loss needs an 11% gain "
                "to recover. A 50% loss needs 100%. A 90% loss needs 900%. Every framework "
                "below is a way of staying on the gentle side of that curve.</p>",
            ),
            (
                "table",
                {
                    "caption": "Gain required to recover from a drawdown",
                    "rows": [
                        ["Drawdown", "Gain needed to break even"],
                        ["10%", "11%"],
                        ["25%", "33%"],
                        ["50%", "100%"],
                        ["75%", "300%"],
                        ["90%", "900%"],
                    ],
                },
            ),
            ("heading", {"text": "Fixed-fractional risk", "level": "h2"}),
            (
                "paragraph",
                "<p>The most widely used approach is to risk a fixed small fraction of the "
                "account on each trade, commonly between 0.5% and 2%. The key word is risk, "
                "not size. Risk is the amount you lose if your exit point is hit, so the "
                "position size depends on how far away that exit is. The formula is simple: "
                "position size equals the amount at risk divided by the distance to the stop, "
                "expressed as a fraction of the entry price.</p>"
                "<p>A worked example makes it concrete. Suppose an account holds 20,000 "
                "dollars and the rule is to risk 1% per trade, or 200 dollars. A trader wants "
                "to buy a token at 2.00 dollars with an exit at 1.70, a 15% distance. The "
                "position size is 200 divided by 0.15, roughly 1,333 dollars of the token. If "
                "the stop is hit, the loss is about 200 dollars. With a tighter exit at 1.90, "
                "a 5% distance, the position could be 4,000 dollars with exactly the same "
                "risk. The stop drives the size, never the other way round.</p>",
            ),
            (
                "image",
                {
                    "alt_text": (
                        "Illustrative chart comparing account equity paths under 1%, 5% and "
                        "20% risk per trade across the same sequence of wins and losses"
                    ),
                    "caption": (
                        "The same trades under three sizing rules: more risk per trade makes "
                        "the path far more fragile."
                    ),
                    "source": "Token Research analysis",
                },
            ),
            ("heading", {"text": "Adjusting for volatility and correlation", "level": "h2"}),
            (
                "paragraph",
                "<p>Fixed-fractional sizing works better once you account for how "
                "differently crypto assets behave:</p><ul>"
                "<li><b>Volatility scaling:</b> a large-cap asset might move 3% on an "
                "ordinary day while a small token moves 15%. Basing stop distances on recent "
                "average ranges, rather than round numbers, keeps risk comparable across "
                "assets.</li>"
                "<li><b>Correlation:</b> most tokens move with Bitcoin during sell-offs. Five "
                "positions in closely related tokens can behave like one large position, so "
                "cap total exposure to any single theme.</li>"
                "<li><b>Liquidity:</b> a stop only protects you if there is someone to sell "
                "to. In thin markets, assume exits will be worse than planned and size "
                "down.</li>"
                "<li><b>Event risk:</b> token unlocks, exchange listings and major protocol "
                "upgrades can cause price gaps that jump straight past a stop.</li></ul>",
            ),
            ("heading", {"text": "Leverage and portfolio-level limits", "level": "h2"}),
            (
                "paragraph",
                "<p>Leverage does not change the risk-per-trade arithmetic, but it adds a "
                "second way to lose: liquidation. With high leverage, a normal intraday swing "
                "can close a position before the planned exit is ever reached. Many "
                "professional desks treat leverage as a tool for capital efficiency, keeping "
                "actual risk within the same limits, rather than as a way to increase "
                "exposure.</p>"
                "<p>Finally, set limits above the individual trade. A common structure caps "
                "total open risk at a few multiples of the single-trade figure and pauses new "
                "trades after a defined drawdown for the week or month. These rules matter "
                "most precisely when they feel least necessary: after a run of wins, when "
                "confidence tends to outrun discipline.</p>",
            ),
            (
                "quote",
                {
                    "text": (
                        "You do not get to choose whether a trade loses. You only get to "
                        "choose how much it costs you when it does."
                    ),
                    "attribution": "Tobias Renner, Head of Market Analysis",
                },
            ),
            (
                "faq",
                {
                    "title": "Frequently asked questions",
                    "items": [
                        {
                            "question": "Is the 1% rule right for everyone?",
                            "answer": (
                                "<p>No rule fits everyone. The right fraction depends on your "
                                "strategy, time horizon and tolerance for drawdowns. The "
                                "principle that matters is keeping each loss small relative "
                                "to the whole account.</p>"
                            ),
                        },
                        {
                            "question": "Does this apply to long-term investors?",
                            "answer": (
                                "<p>Yes, in a different form. Long-term holders may not use "
                                "stops, but they can still size each position so that losing "
                                "it entirely would not derail their finances.</p>"
                            ),
                        },
                        {
                            "question": "Are exchange stop-loss orders reliable?",
                            "answer": (
                                "<p>They help automate discipline, but they can fill at worse "
                                "prices in fast markets. Treat them as a tool, not a "
                                "guarantee.</p>"
                            ),
                        },
                    ],
                },
            ),
            (
                "call_to_action",
                {
                    "headline": "Read more market analysis",
                    "text": "Our desk's notes focus on how to read the market, not predict it.",
                    "button_text": "See the latest notes",
                    "button_url": "/blog/",
                },
            ),
            ("disclaimer", _STANDARD_DISCLAIMER),
        ],
    },
    # ------------------------------------------------------------------ 10
    {
        "slug": "how-grading-models-score-tokens",
        "title": "How grading models score tokens: the trader view versus the investor view",
        "summary": (
            "Token grades compress dozens of data points into a single number, but that "
            "number means different things depending on the time horizon. We explain how "
            "trader-focused and investor-focused models are built, why they often disagree "
            "about the same token, and how to use both without over-trusting either."
        ),
        "category": "research",
        "authors": ["mara-lindqvist", "tobias-renner"],
        "date": "2026-09-30",
        "tags": ["grades", "methodology", "quant"],
        "sponsored": False,
        "sponsor_name": "",
        "cover_colors": ["#0b2239", "#1f6feb"],
        "body": [
            (
                "paragraph",
                "<p>Quantitative grades have become a familiar feature of crypto research "
                "platforms. A token gets a score, often on a scale of zero to one hundred, "
                "and users can sort thousands of assets in seconds. The appeal is obvious: "
                "nobody can manually track every chart, governance forum and code "
                "repository. The risk is equally obvious: a single number hides the "
                "assumptions that produced it.</p>"
                "<p>The most important assumption is the time horizon. A model designed to "
                "find tokens likely to outperform over the next few weeks looks at very "
                "different inputs from one that asks whether a project is likely to matter in "
                "three years. That is why many platforms, including ours, publish two "
                "separate grades rather than trying to merge them into one.</p>",
            ),
            ("heading", {"text": "What a trader grade measures", "level": "h2"}),
            (
                "paragraph",
                "<p>A trader grade focuses on price behaviour and market structure. Typical "
                "inputs include:</p><ul>"
                "<li><b>Momentum:</b> returns over several look-back windows, relative to the "
                "wider market and to the token's own sector.</li>"
                "<li><b>Trend quality:</b> whether moves are steady or driven by a handful of "
                "sharp candles that tend to reverse.</li>"
                "<li><b>Volume and liquidity:</b> whether rising prices come with rising, "
                "broad-based spot volume and healthy order book depth.</li>"
                "<li><b>Volatility regime:</b> whether the token is in a calm or chaotic "
                "phase, which affects how reliable short-term signals are.</li>"
                "<li><b>Derivatives positioning:</b> funding rates and open interest, which "
                "can show when a move has become crowded.</li></ul>",
            ),
            ("heading", {"text": "What an investor grade measures", "level": "h2"}),
            (
                "paragraph",
                "<p>An investor grade tries to judge whether a project has durable value, "
                "largely ignoring short-term price action:</p><ul>"
                "<li><b>Technology and development:</b> code quality, audit history and "
                "sustained developer activity.</li>"
                "<li><b>Tokenomics:</b> supply schedule, upcoming unlocks, insider "
                "concentration and whether the token captures any of the value the network "
                "creates.</li>"
                "<li><b>Adoption:</b> users, fees and revenue, with attention to whether "
                "activity is organic or paid for with incentives.</li>"
                "<li><b>Team and governance:</b> track record, transparency and how decisions "
                "are made.</li>"
                "<li><b>Valuation:</b> how market value compares with fundamentals and with "
                "peers.</li></ul>",
            ),
            (
                "table",
                {
                    "caption": "Illustrative factor weights for two grading horizons",
                    "rows": [
                        ["Factor group", "Trader grade weight", "Investor grade weight"],
                        ["Price momentum and trend", "40%", "5%"],
                        ["Volume and liquidity", "25%", "10%"],
                        ["Derivatives positioning", "15%", "0%"],
                        ["Tokenomics and supply", "10%", "25%"],
                        ["Adoption and revenue", "5%", "30%"],
                        ["Technology, team and governance", "5%", "30%"],
                    ],
                },
            ),
            (
                "image",
                {
                    "alt_text": (
                        "Illustrative scatter plot of tokens positioned by trader grade on one "
                        "axis and investor grade on the other, divided into four quadrants"
                    ),
                    "caption": (
                        "Plotting both grades together separates strong projects in weak "
                        "markets from hot trades with thin fundamentals."
                    ),
                    "source": "Token Research analysis",
                },
            ),
            ("heading", {"text": "Why the two grades disagree", "level": "h2"}),
            (
                "paragraph",
                "<p>Disagreement is a feature, not a bug. A newly launched token with "
                "aggressive marketing can post a high trader grade on momentum while scoring "
                "poorly as an investment because most of its supply is still locked. A mature "
                "infrastructure project can hold a strong investor grade and a weak trader "
                "grade during a long sideways market. Plotting the two scores against each "
                "other produces four rough groups: strong on both, strong fundamentals "
                "waiting for momentum, momentum without fundamentals, and weak on both. Each "
                "calls for a different kind of further research.</p>"
                "<p>Used well, the two views complement each other. Investors can use trader "
                "grades to avoid buying into a falling market, and traders can use investor "
                "grades to steer clear of tokens with unlocks or structural weaknesses that "
                "could overwhelm any short-term signal.</p>",
            ),
            (
                "quote",
                {
                    "text": (
                        "A grade is the start of a question, not the answer to one. If you "
                        "cannot explain why a token scored what it did, you should not act on "
                        "the score."
                    ),
                    "attribution": "Mara Lindqvist, Senior Research Analyst",
                },
            ),
            ("heading", {"text": "Limitations to keep in mind", "level": "h2"}),
            (
                "paragraph",
                "<p>Every model is fitted on history, and crypto history is short and full "
                "of regime changes. Data quality varies widely, particularly for volume and "
                "on-chain activity, both of which can be manufactured. Factors that worked in "
                "one cycle may stop working once enough people use them. And grades cannot "
                "see everything: a pending regulatory action, a compromised private key or a "
                "sudden team departure may not appear in any dataset until it is too late. "
                "Treat grades as a way to prioritize research, cross-check them against "
                "primary sources, and always combine them with your own "
                "<a href=\"/blog/risk-management-position-sizing/\">position sizing "
                "rules</a>.</p>",
            ),
            (
                "faq",
                {
                    "title": "Frequently asked questions",
                    "items": [
                        {
                            "question": "Can a token have a high trader grade and a low "
                            "investor grade?",
                            "answer": (
                                "<p>Yes, and it is common. It usually means the price is "
                                "moving strongly while fundamentals, the supply schedule or "
                                "adoption data look weak.</p>"
                            ),
                        },
                        {
                            "question": "How often do grades change?",
                            "answer": (
                                "<p>Trader grades can change daily because they depend on "
                                "price and volume. Investor grades move more slowly, usually "
                                "when new fundamental data, unlocks or development milestones "
                                "arrive.</p>"
                            ),
                        },
                        {
                            "question": "Are grades predictions?",
                            "answer": (
                                "<p>They are structured summaries of data, tilted towards "
                                "factors that have mattered historically. They are not "
                                "guarantees of future returns.</p>"
                            ),
                        },
                    ],
                },
            ),
            (
                "call_to_action",
                {
                    "headline": "See grades in context",
                    "text": "Our research articles explain the fundamentals behind the numbers.",
                    "button_text": "Browse research",
                    "button_url": "/blog/",
                },
            ),
            ("disclaimer", _STANDARD_DISCLAIMER),
        ],
    },
    # ------------------------------------------------------------------ 11
    {
        "slug": "october-2026-market-recap",
        "title": "October 2026 market recap: rotation, stablecoins and crowded leverage",
        "summary": (
            "October brought choppy conditions for the largest assets, active rotation "
            "between sectors and another month of growing stablecoin supply. Our monthly "
            "recap summarizes the themes our desk tracked, the signals that mattered most, "
            "and the items we are watching as the year heads into its final weeks."
        ),
        "category": "market-analysis",
        "authors": ["tobias-renner"],
        "date": "2026-11-06",
        "tags": ["market-recap", "bitcoin", "derivatives"],
        "sponsored": False,
        "sponsor_name": "",
        "cover_colors": ["#1c1c1c", "#e3b341"],
        "body": [
            (
                "paragraph",
                "<p>October was a month of rotation rather than direction. The largest "
                "assets spent most of the period in a range, with several attempts to break "
                "higher fading as leveraged positions built up and were then flushed out. "
                "Beneath the surface, capital moved actively between sectors, rewarding a "
                "few themes and leaving others behind. This recap summarizes what our desk "
                "tracked; as always, it describes conditions rather than predicting what "
                "comes next.</p>",
            ),
            ("heading", {"text": "The big picture", "level": "h2"}),
            (
                "paragraph",
                "<p>Three themes stood out across the month:</p><ul>"
                "<li><b>Range-bound majors:</b> Bitcoin and ether both traded within fairly "
                "well-defined bands. Spot demand, including flows through exchange-traded "
                "products, was steady enough to absorb dips but not strong enough to sustain "
                "breakouts.</li>"
                "<li><b>Stablecoin supply kept growing:</b> the total value of dollar "
                "stablecoins on public chains continued to rise, a sign that capital stayed "
                "parked on-chain even while prices stalled.</li>"
                "<li><b>Derivatives stayed crowded:</b> open interest in perpetual futures "
                "rebuilt quickly after each sell-off, and funding rates swung between "
                "positive and negative several times.</li></ul>",
            ),
            (
                "image",
                {
                    "alt_text": (
                        "Illustrative multi-line chart of Bitcoin, ether and a stablecoin "
                        "supply index over one month, with the majors flat and supply climbing"
                    ),
                    "caption": (
                        "October in one picture: sideways majors and steadily growing "
                        "stablecoin supply (indexed, illustrative)."
                    ),
                    "source": "Token Research analysis",
                },
            ),
            ("heading", {"text": "Sector rotation", "level": "h2"}),
            (
                "paragraph",
                "<p>With the majors stuck, traders looked for momentum elsewhere. Sectors "
                "linked to real usage, including tokenized treasuries and payment-focused "
                "networks, held up better than most, helped by continued institutional "
                "interest in on-chain settlement. AI-related tokens were volatile and moved "
                "largely on news from outside crypto, as described in our "
                "<a href=\"/blog/ai-tokens-narrative/\">AI tokens research</a>. Gaming "
                "tokens continued to lag, extending a long stretch of underperformance.</p>",
            ),
            (
                "table",
                {
                    "caption": "October sector snapshot (qualitative)",
                    "rows": [
                        ["Sector", "Direction", "Main driver"],
                        [
                            "Large caps",
                            "Sideways",
                            "Steady spot demand, heavy derivatives positioning",
                        ],
                        [
                            "Real-world assets",
                            "Firmer",
                            "Institutional issuance and collateral use",
                        ],
                        ["AI tokens", "Volatile", "Headlines from the wider AI industry"],
                        ["Layer-2 tokens", "Mixed", "Low fees, debate over value capture"],
                        ["Gaming", "Weaker", "Few major releases, ongoing unlocks"],
                    ],
                },
            ),
            ("heading", {"text": "Signals that mattered", "level": "h2"}),
            (
                "paragraph",
                "<p>Two indicators did most of the work for us this month. The first was "
                "funding rates on perpetual futures. Each time funding turned meaningfully "
                "positive while spot volume stayed flat, prices tended to stall and pull back "
                "as crowded longs were squeezed. The second was exchange order book depth, "
                "which stayed thinner than earlier in the year and made moves in mid-sized "
                "tokens sharper in both directions. Neither indicator is predictive on its "
                "own, but together they explained much of the month's choppiness.</p>"
                "<p>Token unlocks were another recurring factor. Several mid-cap projects "
                "released sizable tranches of supply to early investors and teams, and in "
                "most cases prices softened in the days before the unlock rather than after "
                "it, as traders positioned ahead of time. Projects with transparent "
                "schedules and clear communication generally saw smaller reactions than "
                "those where the release caught holders by surprise.</p>",
            ),
            (
                "quote",
                {
                    "text": (
                        "When the majors go nowhere, the market does not rest. It rotates, and "
                        "rotation rewards preparation more than prediction."
                    ),
                    "attribution": "Token Research desk",
                },
            ),
            ("heading", {"text": "What we are watching in November", "level": "h2"}),
            (
                "paragraph",
                "<p>Looking ahead, our watch list includes:</p><ul>"
                "<li><b>Macro data:</b> inflation prints and central bank meetings, which "
                "continue to shape risk appetite across markets.</li>"
                "<li><b>Spot flows:</b> whether exchange-traded product demand strengthens "
                "enough to carry the majors out of their range.</li>"
                "<li><b>Unlock calendar:</b> a heavy schedule of token releases for several "
                "mid-cap projects.</li>"
                "<li><b>Leverage:</b> whether open interest keeps rebuilding faster than spot "
                "activity, which would leave the market exposed to another flush.</li></ul>"
                "<p>We will revisit these themes in next month's recap. In the meantime, "
                "choppy periods are a good moment to review position sizes and make sure no "
                "single theme dominates a portfolio; our "
                "<a href=\"/blog/risk-management-position-sizing/\">position sizing "
                "guide</a> covers the basics.</p>",
            ),
            (
                "call_to_action",
                {
                    "headline": "Catch up on market analysis",
                    "text": "Our monthly recaps summarize what moved and why.",
                    "button_text": "Read market analysis",
                    "button_url": "/blog/",
                },
            ),
            (
                "disclaimer",
                {
                    "title": "Disclaimer",
                    "text": (
                        "<p>This recap describes market conditions in general, qualitative "
                        "terms and reflects the views of the Token Research desk at the time "
                        "of writing. It is not investment advice or a recommendation to buy or "
                        "sell any asset. Markets can change quickly and past conditions do not "
                        "predict future ones.</p>"
                    ),
                },
            ),
        ],
    },
    # ------------------------------------------------------------------ 12
    {
        "slug": "gamefi-retrospective",
        "title": "GameFi in retrospect: what the play-to-earn era taught the industry",
        "summary": (
            "Blockchain gaming went from a speculative boom to a long, humbling rebuild. We "
            "look back at the play-to-earn model, explain why most of its economies "
            "collapsed, and trace which ideas from the era have survived in the games and "
            "studios that are still building today."
        ),
        "category": "research",
        "authors": ["mara-lindqvist"],
        "date": "2026-07-28",
        "tags": ["gamefi", "gaming", "nfts", "tokenomics"],
        "sponsored": False,
        "sponsor_name": "",
        "cover_colors": ["#240b36", "#db61a2"],
        "body": [
            (
                "paragraph",
                "<p>In 2021, blockchain gaming briefly looked like the fastest-growing "
                "corner of crypto. Play-to-earn games promised that players would own their "
                "in-game items as tokens and NFTs, and that time spent playing could be "
                "turned into real income. In some lower-income countries, players organized "
                "into guilds that lent out expensive starter assets in exchange for a share "
                "of earnings. For a few months, active player counts and token prices rose "
                "together, and the sector attracted billions in venture funding.</p>"
                "<p>The reversal was just as fast. Within about a year, most play-to-earn "
                "tokens had lost the vast majority of their value, player numbers fell "
                "sharply, and a major gaming-focused bridge suffered one of the largest hacks "
                "in crypto history. Looking back, the era reads less as a failure of digital "
                "ownership and more as a lesson in economic design.</p>",
            ),
            ("heading", {"text": "Why play-to-earn economies broke", "level": "h2"}),
            (
                "paragraph",
                "<p>Most first-generation games shared the same structural weaknesses:</p><ul>"
                "<li><b>Emissions without sinks:</b> players earned tokens faster than the "
                "game gave them reasons to spend, so rewards were constantly sold.</li>"
                "<li><b>Growth as the only buyer:</b> the main demand for tokens and starter "
                "assets came from new players joining, which made the economy dependent on "
                "ever-faster growth.</li>"
                "<li><b>Extraction over enjoyment:</b> when players are there mainly to earn, "
                "they leave as soon as earnings fall, and the gameplay alone was rarely "
                "compelling enough to keep them.</li>"
                "<li><b>Financialized onboarding:</b> expensive entry NFTs turned trying a "
                "game into an investment decision, limiting the audience to people willing "
                "to speculate.</li></ul>"
                "<p>Together, these features produced a reflexive loop. Rising prices "
                "attracted players, who increased demand for assets, which pushed prices "
                "higher. When growth slowed, the loop ran in reverse, and there was no base "
                "of players who were simply there for fun to steady it.</p>",
            ),
            (
                "image",
                {
                    "alt_text": (
                        "Illustrative chart of a gaming token price and daily active players "
                        "rising together and then falling in tandem"
                    ),
                    "caption": (
                        "The reflexive loop: in early play-to-earn games, prices and player "
                        "counts tended to rise and fall together."
                    ),
                    "source": "Token Research analysis",
                },
            ),
            (
                "table",
                {
                    "caption": "How blockchain gaming has evolved",
                    "rows": [
                        ["Phase", "Core idea", "What changed"],
                        [
                            "Play-to-earn (2021)",
                            "Earn tokens by playing",
                            "Unsustainable emissions, extractive players",
                        ],
                        [
                            "Play-and-earn (2022-2023)",
                            "Fun first, rewards second",
                            "Smaller rewards, more focus on game design",
                        ],
                        [
                            "Ownership in the background (2024 onward)",
                            "Optional on-chain assets",
                            "Hidden wallets, free-to-play onboarding",
                        ],
                    ],
                },
            ),
            (
                "quote",
                {
                    "text": (
                        "The games that survived stopped asking players to be investors first. "
                        "They asked them to be players, and let ownership sit quietly in the "
                        "background."
                    ),
                    "attribution": "Mara Lindqvist, Senior Research Analyst",
                },
            ),
            ("heading", {"text": "What survived", "level": "h2"}),
            (
                "paragraph",
                "<p>Several ideas from the era have outlasted the boom. Studios now generally "
                "treat tokens and NFTs as optional layers rather than the core of the game. "
                "Many use free-to-play onboarding, embedded wallets that players barely "
                "notice, and marketplaces where trading items is possible but not required. "
                "Some have moved to dedicated gaming chains or layer-2 networks where "
                "transaction costs are negligible, so moving an item does not feel like a "
                "financial transaction.</p>"
                "<p>Development cycles have also lengthened. Building a high-quality game "
                "takes years, and many studios funded in 2021 and 2022 are only now shipping "
                "complete titles. That gives the sector an unusual profile: token prices that "
                "have underperformed for a long time, alongside a pipeline of games more "
                "polished than anything available during the boom.</p>",
            ),
            ("heading", {"text": "How we evaluate gaming tokens now", "level": "h2"}),
            (
                "paragraph",
                "<p>When we research a gaming project today, we look first at whether the "
                "game is worth playing without rewards, using retention over weeks and months "
                "rather than sign-up numbers. We then check whether the token has genuine "
                "sinks, such as cosmetics, crafting or entry fees, that absorb the supply "
                "issued as rewards. Finally, we examine the unlock schedule, because many "
                "gaming tokens still have large portions of their supply held by early "
                "backers. A strong game with weak token design can still be a poor "
                "investment, and the reverse is rarely true.</p>",
            ),
            (
                "faq",
                {
                    "title": "Frequently asked questions",
                    "items": [
                        {
                            "question": "Is play-to-earn dead?",
                            "answer": (
                                "<p>The original model, where earning was the main reason to "
                                "play, has largely been abandoned. Rewards still exist in many "
                                "games, but they are smaller and tied to engagement rather than "
                                "presented as income.</p>"
                            ),
                        },
                        {
                            "question": "Why do gaming tokens have so many unlocks?",
                            "answer": (
                                "<p>Games are expensive to build, and many studios raised large "
                                "rounds that included token allocations. Those allocations vest "
                                "over several years, adding supply however the game "
                                "performs.</p>"
                            ),
                        },
                    ],
                },
            ),
            ("disclaimer", _STANDARD_DISCLAIMER),
        ],
    },
    # ------------------------------------------------------------------ 13
    {
        "slug": "restaking-explained",
        "title": "Restaking explained: reusing staked ether to secure new services",
        "summary": (
            "Restaking lets validators put the same staked capital to work securing "
            "additional networks, in exchange for extra rewards and extra slashing risk. We "
            "explain how it works, what liquid restaking tokens add to the picture, and why "
            "layering leverage on top of staked ether deserves careful scrutiny."
        ),
        "category": "research",
        "authors": ["tobias-renner"],
        "date": "2026-10-08",
        "tags": ["restaking", "ethereum", "staking", "defi"],
        "sponsored": False,
        "sponsor_name": "",
        "cover_colors": ["#0c1f2c", "#39c5cf"],
        "body": [
            (
                "paragraph",
                "<p>Since Ethereum moved to proof of stake in September 2022, validators have "
                "locked ether to secure the network and earn rewards. If they act "
                "dishonestly, part of that stake can be destroyed, a penalty known as "
                "slashing. Restaking extends this idea. Validators, or holders who delegate "
                "to them, opt in to additional sets of rules for other services and agree "
                "that their stake can also be slashed if they break those rules. In return, "
                "they earn extra rewards from the services they help secure.</p>"
                "<p>The pitch to new projects is compelling. Building a fresh validator set "
                "with its own token is expensive and slow, and a young token may not be worth "
                "enough to make attacks costly. By renting security from restaked ether, a "
                "new oracle network, bridge or data availability layer can launch with a "
                "large pool of economic security from day one.</p>",
            ),
            ("heading", {"text": "How restaking works in practice", "level": "h2"}),
            (
                "paragraph",
                "<p>Restaking protocols connect three groups:</p><ul>"
                "<li><b>Restakers:</b> holders who commit staked ether, or liquid staking "
                "tokens, to the protocol and choose which operators to delegate to.</li>"
                "<li><b>Operators:</b> professional node runners who run the software for "
                "one or more services and are subject to each service's slashing "
                "conditions.</li>"
                "<li><b>Actively validated services:</b> the networks buying security, which "
                "define what honest behaviour looks like and pay rewards to operators and "
                "restakers.</li></ul>"
                "<p>EigenLayer popularized the model on Ethereum and attracted billions of "
                "dollars in deposits within its first year. Other protocols have since "
                "brought similar designs to Ethereum and to other proof-of-stake chains. "
                "Slashing for restaked services was switched on gradually, which meant that "
                "for an extended period much of the capital was earning points and "
                "incentives rather than carrying live slashing risk.</p>",
            ),
            (
                "image",
                {
                    "alt_text": (
                        "Illustrative layered chart showing one pool of staked ether "
                        "underpinning several services stacked above it"
                    ),
                    "caption": (
                        "One stake, several obligations: restaking stacks additional services "
                        "on the same capital."
                    ),
                    "source": "Token Research analysis",
                },
            ),
            ("heading", {"text": "Liquid restaking tokens", "level": "h2"}),
            (
                "paragraph",
                "<p>Just as liquid staking tokens represent staked ether that can still be "
                "traded, liquid restaking tokens represent restaked positions. They made "
                "restaking accessible to ordinary holders and let those holders use their "
                "positions as collateral in decentralized finance. They also added layers: a "
                "holder might own a token representing restaked liquid staking tokens, "
                "deposit it as collateral in a lending market, and borrow against it to buy "
                "more. Each layer adds smart contract risk, and the combination can resemble "
                "leverage on top of leverage.</p>",
            ),
            (
                "table",
                {
                    "caption": "Where restaking risk comes from",
                    "rows": [
                        ["Risk layer", "What can go wrong", "Who bears it"],
                        ["Ethereum staking", "Validator penalties and slashing", "Stakers"],
                        [
                            "Restaked services",
                            "Slashing under additional rules",
                            "Restakers and operators",
                        ],
                        [
                            "Liquid restaking token",
                            "Depeg or contract failure",
                            "Token holders",
                        ],
                        [
                            "DeFi leverage loops",
                            "Liquidation when prices diverge",
                            "Borrowers",
                        ],
                    ],
                },
            ),
            (
                "quote",
                {
                    "text": (
                        "Restaking does not create security out of nothing. It lends the same "
                        "collateral to more promises, and the real question is what happens "
                        "when several of them are tested at once."
                    ),
                    "attribution": "Token Research desk",
                },
            ),
            ("heading", {"text": "The risks worth understanding", "level": "h2"}),
            (
                "paragraph",
                "<p>The main concerns fall into a few groups. <b>Correlated slashing</b> "
                "arises if one operator runs many services and a bug or attack triggers "
                "penalties across all of them at once. <b>Liquidity risk</b> appears when "
                "liquid restaking tokens trade below the value of their underlying assets, "
                "which can cascade through lending markets that accept them as collateral. "
                "<b>Yield illusion</b> matters because much of the return in the early years "
                "came from points and token incentives, which are not the same as "
                "sustainable fees paid by services. Some researchers have also raised a "
                "systemic concern: if a large share of staked ether is committed to outside "
                "services, failures there could spill back into Ethereum's own "
                "security.</p>"
                "<p>None of this means restaking is unsound. It is a genuine attempt to make "
                "security reusable, and some services have real demand for it. But it is "
                "best understood as taking on additional risk for additional yield, and the "
                "size of that risk depends on which services, operators and wrappers sit "
                "between you and your ether.</p>",
            ),
            ("heading", {"text": "A checklist before you restake", "level": "h3"}),
            (
                "paragraph",
                "<p>Before committing funds, we suggest working through a few questions:</p>"
                "<ul>"
                "<li><b>Which services?</b> Identify every service your stake secures and "
                "read its slashing conditions.</li>"
                "<li><b>Which operator?</b> Check the operator's track record, infrastructure "
                "and how many services it runs in parallel.</li>"
                "<li><b>Which wrapper?</b> If you use a liquid restaking token, look at its "
                "redemption process, secondary market liquidity and contract audits.</li>"
                "<li><b>What is the real yield?</b> Separate fees paid by services from "
                "incentives and points, and ask what happens to returns if incentives "
                "end.</li>"
                "<li><b>How do you exit?</b> Withdrawal queues for staking and restaking can "
                "take days or weeks, which matters when markets move quickly.</li></ul>",
            ),
            (
                "faq",
                {
                    "title": "Frequently asked questions",
                    "items": [
                        {
                            "question": "Is restaking the same as staking?",
                            "answer": (
                                "<p>No. Staking secures Ethereum itself. Restaking commits the "
                                "same stake to additional services with their own rules, adding "
                                "both rewards and slashing risk.</p>"
                            ),
                        },
                        {
                            "question": "Where does restaking yield come from?",
                            "answer": (
                                "<p>From fees and token incentives paid by the services being "
                                "secured. In practice a large share has come from incentives, "
                                "which can shrink or disappear.</p>"
                            ),
                        },
                        {
                            "question": "Can I lose ether by restaking?",
                            "answer": (
                                "<p>Yes. If an operator you delegate to is slashed by a "
                                "service, part of the stake can be lost, on top of ordinary "
                                "smart contract and depeg risks.</p>"
                            ),
                        },
                    ],
                },
            ),
            (
                "call_to_action",
                {
                    "headline": "Explore our research",
                    "text": (
                        "Deep dives on staking, data availability and the infrastructure "
                        "beneath crypto markets."
                    ),
                    "button_text": "Read research",
                    "button_url": "/blog/",
                },
            ),
            ("disclaimer", _STANDARD_DISCLAIMER),
        ],
    },
    # ------------------------------------------------------------------ 14 (sponsored)
    {
        "slug": "sponsored-keelstone-wallet-self-custody",
        "title": "Sponsored: Keelstone Wallet wants to make self-custody feel effortless",
        "summary": (
            "This sponsored article is presented by Keelstone Labs. Keelstone Wallet "
            "combines passkey sign-in, recovery through trusted guardians and plain-language "
            "transaction previews to make holding your own keys less intimidating. Here is "
            "what the product offers and what to keep in mind with any self-custody wallet."
        ),
        "category": "crypto-basics",
        "authors": ["ines-halloran"],
        "date": "2026-11-18",
        "tags": ["sponsored", "wallets", "self-custody"],
        "sponsored": True,
        "sponsor_name": "Keelstone Labs",
        "cover_colors": ["#10243e", "#f0883e"],
        "body": [
            (
                "paragraph",
                "<p><i>This is a sponsored article paid for by Keelstone Labs. Token "
                "Research does not endorse any product, and the descriptions below are based "
                "on information supplied by the sponsor.</i></p>"
                "<p>Self-custody is one of crypto's defining promises: hold your own keys "
                "and nobody can freeze, lend out or lose your assets on your behalf. For many "
                "people, though, the experience has been stressful. A twelve- or "
                "twenty-four-word recovery phrase written on paper, cryptic signing prompts "
                "and the constant fear of approving the wrong thing have kept plenty of users "
                "on exchanges. Keelstone Wallet was built to change that experience without "
                "taking the keys away from the user.</p>",
            ),
            ("heading", {"text": "What Keelstone Wallet offers", "level": "h2"}),
            (
                "paragraph",
                "<p>Keelstone Labs describes its wallet around four core features:</p><ul>"
                "<li><b>Passkey sign-in:</b> the wallet uses the secure hardware already "
                "built into modern phones and laptops, so everyday access works with a "
                "fingerprint or face scan instead of a typed password.</li>"
                "<li><b>Guardian recovery:</b> users nominate trusted contacts or devices as "
                "guardians. If a phone is lost, a majority of guardians can approve moving "
                "the account to a new device, with a built-in delay that lets the owner "
                "cancel anything unexpected.</li>"
                "<li><b>Readable transaction previews:</b> before signing, Keelstone "
                "simulates each transaction and shows in plain language which tokens will "
                "leave the wallet, which will arrive, and whether a contract is asking for "
                "unlimited spending approval.</li>"
                "<li><b>Multi-network support:</b> one interface for Ethereum and major "
                "layer-2 networks, with automatic network detection when connecting to "
                "applications.</li></ul>"
                "<p>Keelstone says it also maintains a list of known malicious contracts and "
                "phishing domains and warns users before they connect to a site on it. When "
                "a transaction looks unusual, such as sending an entire balance to an address "
                "the wallet has never interacted with, the app adds an extra confirmation "
                "step.</p>",
            ),
            (
                "image",
                {
                    "alt_text": (
                        "Illustrative graphic of a wallet screen showing a plain-language "
                        "transaction preview with tokens going out and coming in"
                    ),
                    "caption": (
                        "Keelstone's transaction preview highlights what leaves and enters "
                        "the wallet before you sign."
                    ),
                    "source": "Keelstone Labs",
                },
            ),
            ("heading", {"text": "How it compares with a traditional wallet", "level": "h2"}),
            (
                "table",
                {
                    "caption": "Keelstone Wallet versus a typical seed-phrase wallet "
                    "(as described by the sponsor)",
                    "rows": [
                        ["Feature", "Typical seed-phrase wallet", "Keelstone Wallet"],
                        ["Everyday access", "Password or PIN", "Device passkey"],
                        [
                            "Recovery",
                            "Written recovery phrase",
                            "Guardian approval with a time delay",
                        ],
                        [
                            "Signing prompts",
                            "Raw data or contract names",
                            "Simulated, plain-language preview",
                        ],
                        ["Approval warnings", "Often none", "Flags unlimited approvals"],
                    ],
                },
            ),
            (
                "paragraph",
                "<p>According to Keelstone Labs, the wallet is built on smart contract "
                "accounts, which means security rules such as guardian recovery and spending "
                "limits live on-chain rather than depending on a single secret phrase. The "
                "company says its contracts have been reviewed by two independent audit "
                "firms and that it runs a public bug bounty programme. Keelstone does not "
                "hold user keys and cannot move funds on a user's behalf.</p>",
            ),
            (
                "heading",
                {"text": "Things to consider with any self-custody wallet", "level": "h2"},
            ),
            (
                "paragraph",
                "<p>Whichever wallet you choose, a few principles apply:</p><ul>"
                "<li><b>Understand recovery:</b> know exactly how you would regain access if "
                "you lost your device, and test it with a small balance first.</li>"
                "<li><b>Choose guardians carefully:</b> social recovery is only as strong as "
                "the people and devices you nominate.</li>"
                "<li><b>Check audits and track record:</b> smart contract wallets add code, "
                "and code can have bugs.</li>"
                "<li><b>Start small:</b> move a modest amount first and get comfortable "
                "before transferring larger balances.</li></ul>"
                "<p>Keelstone Wallet is available as a mobile app and a browser extension. "
                "Keelstone Labs says the core wallet is free to use, with optional paid "
                "features for teams that need shared accounts and approval workflows.</p>",
            ),
            (
                "call_to_action",
                {
                    "headline": "Learn more about self-custody",
                    "text": (
                        "Read our independent explainers on stablecoins and layer-2 networks "
                        "before choosing a wallet setup."
                    ),
                    "button_text": "Read the basics",
                    "button_url": "/blog/",
                },
            ),
            (
                "disclaimer",
                {
                    "title": "Sponsored content disclaimer",
                    "text": (
                        "<p>This article was paid for by Keelstone Labs and is marked as "
                        "sponsored. Product descriptions reflect information provided by the "
                        "sponsor and have not been independently verified by Token Research. "
                        "Nothing here is a recommendation to use any product or to buy any "
                        "asset. Always do your own research.</p>"
                    ),
                },
            ),
        ],
    },
]
