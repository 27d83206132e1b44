/**
 * The quantization lab's bundled text sample.
 *
 * Source: written for Hearth by the Hearth contributors (2026) and released into the public
 * domain (CC0); it quotes no other work. Plain English prose of mixed kinds (narrative,
 * explanation, instructions, dialogue, numbers) so the scored tokens are not all of one sort.
 * About 8,500 characters: at ~4 characters per token (a typical 32k–150k vocabulary; not
 * measured on a real tokenizer here) about 2,000 tokens, three or four chunks at n_ctx 512. Users measuring seriously should give their own, longer
 * text (for example wikitext-2's test set, as llama.cpp's own figures use).
 */
export const LAB_SAMPLE_TEXT_NAME = 'Hearth sample text (CC0, written for Hearth)';

export const LAB_SAMPLE_TEXT = `The Keeper of the Fire

In the old stone houses of the northern valleys, the hearth was not a piece of furniture but the centre of the day. Someone rose before the others to wake the embers, and the warmth that spread from that small act decided whether the morning would be easy or hard. Children learned early that a fire is a living arrangement: it needs air below, fuel above, and patience in between. Pile on too much wood and it smothers; give it too little and it sulks into ash. The person who tended it well was trusted with other things as well, because the same habits of attention served everywhere.

My grandmother kept such a fire for sixty winters. She did not own a thermometer, yet she could tell by the colour of the coals whether the oven was ready for bread or only for drying apples. Orange with a white skin meant bread. Deep red without flame meant apples, or a pot of beans left to murmur until evening. When I asked her how she knew, she said that she had simply watched closely for a long time, and that watching was cheaper than guessing.

The bread itself followed a recipe that was never written down. Take four cups of flour, one of them rye, a spoonful of salt, a little honey, and the starter that lived in a clay jar by the window. Mix in enough warm water that the dough clings to your fingers but lets go of the bowl. Knead it for as long as it takes to sing two verses of any slow song, then cover it and leave it near the hearth, not on it. After two hours, or three if the day is cold, shape the loaf, slash the top once with a sharp knife, and slide it into the oven on a floured board. Forty minutes later the crust should sound hollow when you knock on it. If it does not, give it ten more, and resist the urge to open the door every minute, because every opening steals heat that the loaf needs.

A Short Account of Measurement

Engineers like to say that what is not measured cannot be improved, and they are mostly right, although the saying hides a trap. A measurement answers the question you asked, not the question you meant. A scale that weighs flour to the gram tells you nothing about whether the flour is fresh. A stopwatch that times a runner to the hundredth of a second says nothing about whether the course was downhill. The craft lies in choosing the measurement that matches the decision in front of you, and then in repeating it often enough that chance does not fool you.

Consider a simple case. You want to know which of two roads to the market is faster. You drive the first one on Monday and it takes twenty-two minutes. You drive the second on Tuesday and it takes nineteen. Is the second road faster? Perhaps, but Monday was also the day the school buses ran, and Tuesday was a holiday. Drive each road five times, on mixed days, and note every result. If the first road gives 22, 21, 24, 20 and 23 minutes, and the second gives 19, 25, 18, 26 and 20, the averages are 22 and 21.6, nearly the same, yet the second road is far less predictable. Whether that matters depends on whether you are fetching milk or catching a train.

The same reasoning applies to machines that write. A small model that answers quickly but wanders off the subject may be worth less than a larger one that is slower but stays on course. A compressed copy of a model that is half the size may be almost as good as the original, or it may have lost something that only shows in rare cases. The only honest way to know is to put both to the same test on the same text, count how often they agree, and measure how far apart their judgements are when they do not.

Letters from the Valley

Dear Tomas,

Thank you for the seeds. The beans came up in nine days, which is quicker than anything I have planted here before, and the squash has already climbed over the low wall and into the neighbour's yard. She says she does not mind as long as she gets a share of the harvest, which seems fair. The weather has turned at last. We had frost on the third of October, a week earlier than last year, and the river is higher than I have seen it since I arrived.

You asked whether I miss the city. Some evenings I do. I miss the bookshop on the corner, and the noise of the trams, and being able to buy bread at midnight. But I have learned to bake my own, badly at first and now rather well, and the quiet no longer frightens me. Last week the power failed for two days, and we cooked everything on the old iron stove, and nobody complained. The children played cards by lamplight and the dog slept so close to the fire that his fur smelled of smoke for a week.

Write soon, and tell me how the new job is going. Did they give you the office with the window after all?

Yours, with mud on both boots,
Ilse

Dear Ilse,

They did give me the window, and I spend more time looking through it than I should. The job is interesting, although it is mostly meetings. We are building a system that sorts parcels by weight and destination, and the hardest part is not the machinery but agreeing on what the machinery should do when a label is torn or a box is heavier than it claims to be. There are forty-one rules so far and each one started as an argument.

I am glad about the beans. Plant the second packet in spring, near the fence where the soil stays damp. And please send me the bread recipe, written down this time, with quantities. I tried to make it from memory and produced something that could have been used to prop open a door.

Tomas

How a Question Becomes an Answer

Suppose you ask a neighbour for directions to the mill. She thinks for a moment, points down the lane, and says: go past the chapel, turn left at the oak that was struck by lightning, and follow the stream until you hear the wheel. In those few seconds she has done several things at once. She has recognised the words, recalled a map of the valley, chosen a route that suits someone on foot, and translated it into landmarks that a stranger can see. None of this feels like work to her, yet each step could go wrong. If she confused the mill with the sawmill, or forgot that the bridge washed away in spring, her directions would be fluent, confident and useless.

Machines that produce language face the same risks in a different form. They predict, one piece at a time, what is likely to come next, given everything that came before. When the prediction is good, the result reads as if someone understood the question. When it is poor, the result may still read smoothly, which is exactly what makes errors hard to notice. That is why careful people test such systems on text whose continuation is already known: at each step they ask how much probability the system gave to the word that actually followed. A system that is often surprised by ordinary text has a poor picture of the language; one that is rarely surprised has a good one. The average surprise, turned into a single number, is what specialists call perplexity.

Comparing two versions of the same system is a finer test. Instead of asking how well each one predicts the text, you ask how differently they predict it. At every position you lay their guesses side by side: do they pick the same most likely word, and how far apart are the probabilities they assign to all the others? If the smaller version agrees with the larger one nearly everywhere, it has kept what mattered. If it disagrees often, something was lost in the compression, even where both still sound fluent.

Notes for the Winter Kitchen

Keep dried herbs in closed jars away from the stove; heat steals their flavour faster than time does. Onions and potatoes store well together only if they do not touch, so give each its own basket. A pot of stock started on Sunday from bones and vegetable ends will carry soups through Wednesday. Salt the water for pasta generously, taste the sauce before you season it again, and warm the plates in the oven for the last five minutes. When guests arrive cold, offer them something hot to hold before you offer them anything to eat.

At the end of the evening, rake the coals together, cover them with a thick layer of ash, and close the damper halfway. In the morning, brush the ash aside and you will find them still glowing, ready to catch a handful of kindling. It is a small thing, keeping a fire alive overnight, but it means that the first person awake does not begin the day in the cold. My grandmother called it lending warmth to tomorrow, and she never went to bed without doing it.
`;
