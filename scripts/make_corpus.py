"""Write configs/corpus/pets-and-vehicles.txt: the small corpus the project ships.

The text is generated from hand-written templates so that it shows the
distributional hypothesis ("a word is characterised by the company it keeps"):

* ``cat`` and ``dog`` fill the same slots: fed, vet, sofa, walk, owner, ...
* ``car`` and ``bus`` fill the same slots: drove, fuel, traffic, road, ...
* ``bat`` shares neither: it flies out of caves at night, or it hits a ball
  in a baseball game.

A word2vec model trained on it should end with cos(cat, dog) high and
cos(cat, bat) low. The output is deterministic (fixed seed, no hash order).

Licence: the templates and the generated text were written for embedviz and
are dedicated to the public domain under CC0 1.0
(https://creativecommons.org/publicdomain/zero/1.0/).

Usage:  python scripts/make_corpus.py [--kb 240] [--out configs/corpus/pets-and-vehicles.txt]
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "configs" / "corpus" / "pets-and-vehicles.txt"

SLOTS = {
    "owner": ["anna", "ben", "the girl", "the boy", "my mother", "our neighbour", "the old man", "the family"],
    "person": ["anna", "ben", "my father", "the teacher", "our neighbour", "the woman", "the young man"],
    "room": ["kitchen", "garden", "hall", "bedroom", "living room", "yard"],
    "furniture": ["sofa", "bed", "rug", "chair", "blanket", "cushion"],
    "time": ["on monday", "last week", "every morning", "in the evening", "yesterday", "after lunch", "today"],
    "toy": ["ball", "toy mouse", "rope", "squeaky toy", "stick"],
    "petfood": ["food", "fish", "biscuits", "meat", "treats", "water"],
    "place": ["town", "the station", "the market", "the airport", "the school", "the city", "the coast"],
    "road": ["motorway", "high street", "bridge", "main road", "ring road", "hill"],
    "part": ["engine", "brakes", "tyres", "lights", "wheels", "seats", "windows"],
    "colour": ["red", "blue", "black", "white", "grey", "green"],
    "pet_adj": ["friendly", "sleepy", "hungry", "playful", "fluffy", "shy", "old", "young"],
    "veh_adj": ["new", "old", "fast", "slow", "noisy", "crowded", "clean", "broken"],
    "player": ["the batter", "the captain", "tom", "the player", "the young hitter", "maria"],
    "insect": ["moths", "insects", "flies", "beetles", "mosquitoes"],
    "dark": ["cave", "tunnel", "old barn", "forest", "attic", "mine"],
    "food": ["bread", "soup", "rice", "apples", "cheese", "cake", "pasta"],
    "weather": ["rain", "snow", "wind", "sun", "fog", "storm"],
}

PET = ["cat", "dog"]
PET_SENTENCES = [
    "the {P} was fed by {owner} {time}",
    "{owner} fed the {P} some {petfood}",
    "{owner} took the {P} to the vet {time}",
    "the vet said the {P} was healthy",
    "the vet gave the {P} an injection",
    "the {P} slept on the {furniture} in the {room}",
    "the {pet_adj} {P} curled up on the {furniture}",
    "the {P} played with a {toy} in the {room}",
    "our {P} likes to sleep by the warm fire",
    "{owner} brushed the fur of the {P}",
    "the {P} ate its {petfood} from a bowl",
    "the {pet_adj} {P} wanted to be stroked",
    "{owner} adopted a {P} from the shelter",
    "the {P} waited by the door for {owner}",
    "a {pet_adj} {P} lives next door",
    "the {P} scratched at the door of the {room}",
    "{owner} stroked the {P} and it fell asleep",
    "the {P} is a loyal pet",
    "my pet {P} needs a bath",
    "the {P} chased a {toy} across the {room}",
]
PET_SPECIFIC = {
    "cat": ["the cat purred on the {furniture}", "the cat meowed for {petfood}", "the kitten became a cat",
            "the cat climbed the fence", "the cat caught a mouse in the {room}"],
    "dog": ["the dog barked at the postman", "the dog wagged its tail", "the puppy became a dog",
            "{owner} walked the dog in the park", "the dog fetched the {toy}"],
}

VEH = ["car", "bus"]
VEH_SENTENCES = [
    "the {V} stopped at the traffic lights",
    "{person} drove the {V} to {place} {time}",
    "the {V} needed fuel {time}",
    "the {V} was stuck in traffic on the {road}",
    "the driver parked the {V} near {place}",
    "the {V} had a flat tyre on the {road}",
    "we took the {V} into town {time}",
    "the {veh_adj} {V} drove along the {road}",
    "the mechanic repaired the {part} of the {V}",
    "the {V} broke down on the {road}",
    "the {colour} {V} turned left at the junction",
    "the driver of the {V} sounded the horn",
    "{person} waited for the {V} in the {weather}",
    "the {V} was late because of the {weather}",
    "the {veh_adj} {V} needs new {part}",
    "the {V} drove over the {road} to {place}",
    "the {V} slowed down at the crossing",
    "a {colour} {V} overtook us on the {road}",
    "the {V} uses a lot of fuel",
    "the driver washed the {V} {time}",
]
VEH_SPECIFIC = {
    "car": ["the car has four seats", "{person} bought a {veh_adj} car", "the car was in the garage",
            "the taxi is a car", "the car is parked in the driveway"],
    "bus": ["the bus carried forty passengers", "the bus stopped at the bus stop", "the school bus was {veh_adj}",
            "{person} missed the bus {time}", "the bus driver checked the tickets"],
}

BAT_SENTENCES = [
    "the bat flew out of the {dark} at night",
    "a bat hung upside down in the dark {dark}",
    "the bat hunted {insect} at dusk",
    "the bat used echoes to find {insect}",
    "at night the bat left the {dark}",
    "a colony of bats lives in the {dark}",
    "the bat has leathery wings",
    "the bat sleeps all day in the {dark}",
    "{player} swung the bat and hit a home run",
    "{player} gripped the wooden bat at the plate",
    "the baseball bat cracked during the game",
    "{player} picked up the bat and faced the pitcher",
    "the bat struck the baseball over the fence",
    "the coach handed {player} a heavier bat",
]

OTHER_SENTENCES = [
    "{person} cooked {food} in the kitchen {time}",
    "the {food} was fresh from the market",
    "we ate {food} for dinner {time}",
    "the {weather} lasted all day",
    "{person} read a book in the {room}",
    "the children went to school {time}",
    "the teacher wrote on the board",
    "{person} planted flowers in the garden",
    "the shop sells {food} and {food}",
    "the river flows past the old mill",
    "the {weather} stopped in the evening",
    "{person} opened the window of the {room}",
    "the farmer grew apples and wheat",
    "the baby laughed at the music",
    "{person} painted the fence {colour}",
    "the bank closes early on friday",
    "the baker sold warm bread {time}",
    "the library was quiet in the morning",
]


def fill(template: str, rng: random.Random, **fixed: str) -> str:
    out = template
    for key, value in fixed.items():
        out = out.replace("{" + key + "}", value)
    while "{" in out:
        start = out.index("{")
        end = out.index("}", start)
        name = out[start + 1:end]
        out = out[:start] + rng.choice(SLOTS[name]) + out[end + 1:]
    return out


def sentence(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.30:
        p = rng.choice(PET)
        pool = PET_SENTENCES + PET_SPECIFIC[p]
        return fill(rng.choice(pool), rng, P=p)
    if r < 0.60:
        v = rng.choice(VEH)
        pool = VEH_SENTENCES + VEH_SPECIFIC[v]
        return fill(rng.choice(pool), rng, V=v)
    if r < 0.72:
        return fill(rng.choice(BAT_SENTENCES), rng)
    return fill(rng.choice(OTHER_SENTENCES), rng)


def generate(kb: int = 240, seed: int = 5) -> str:
    rng = random.Random(seed)
    lines = [
        "Pets and vehicles: a small corpus written for embedviz. Public domain (CC0 1.0).",
    ]
    size = len(lines[0]) + 1
    while size < kb * 1024:
        para = " ".join(sentence(rng).capitalize() + "." for _ in range(rng.randint(3, 6)))
        lines.append(para)
        size += len(para) + 1
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb", type=int, default=240)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    text = generate(args.kb, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text.encode()):,} bytes, {len(text.split()):,} words)")


if __name__ == "__main__":
    main()
